import { revisionNameDefinition } from "./revisionName";

export const branchDefinition = revisionNameDefinition({
  name: "Branch",
  collection: "branches",
  description:
    "A branch of a TensorBay dataset (Open API CreateBranch, ListBranches, DeleteBranch), created at a revision; it moves as commits are made on it, which is not drift. On a dataset with no commit the API answers Forbidden. Every change replaces it.",
});

