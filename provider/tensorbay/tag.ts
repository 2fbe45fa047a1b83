import { revisionNameDefinition } from "./revisionName";

export const tagDefinition = revisionNameDefinition({
  name: "Tag",
  collection: "tags",
  description: "A tag of a TensorBay dataset (Open API CreateTag, ListTag, DeleteTag): a fixed name for the commit a revision points at. Every change replaces it.",
});

