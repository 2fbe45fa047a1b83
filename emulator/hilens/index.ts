import type { Route } from "../http";
import { workspaceRoutes } from "./workspaces";
import { DESCRIPTION, invalid } from "./validation";
import { keyValueRoutes } from "./keyValue";
import { deviceControlRoutes, deviceRoutes } from "./devices";
import { deploymentRoutes, instanceRoutes, podRoutes } from "./deployments";
import { taskRoutes } from "./tasks";
import { tagRoutes } from "./tags";
import { timingControlRoutes } from "./timing";
import { platformOrderControlRoutes, platformOrderRoutes } from "./activation";
import { skillMarketControlRoutes, skillMarketRoutes } from "./skillMarket";

const configMapRoutes = keyValueRoutes({
  kind: "configmap",
  collection: "configmaps",
  idParam: "config_map_id",
  wrapper: "configmap",
  type: "configmap",
  listKey: "configmaps",
  entriesKey: "configs",
  maxEntries: 1000,
  listBounds: { max: 1000, default: 1000 },
  // §5.4 states no name rule; §5.3 table 5-71 (how deployments reference a config map) does.
  name: { pattern: /^[a-z][\u4e00-\u9fa5A-Za-z0-9_-]{2,62}[\u4e00-\u9fa5A-Za-z0-9_]$/, max: 64, rule: "must be 4-64 characters, start with a lowercase letter and not end with '-'" },
  key: { pattern: /^[A-Za-z0-9_-]+$/, max: 63, rule: "may only contain letters, digits, '-' and '_'" },
  value: { pattern: /^[A-Za-z0-9_-]+$/, max: 10000, rule: "may only contain letters, digits, '-' and '_'" },
  workspaceBesideWrapper: true,
  // §5.4.1 tag_key: `key=value`, several pairs (repeated) match any of them.
  tagFilter: (query) => {
    const pairs = query.getAll("tag_key").map((pair) => pair.split("="));
    return pairs.length ? (tags) => pairs.some(([key, value]) => tags.some((t) => t.key === key && (value === undefined || t.value === value))) : undefined;
  },
});

const secretRoutes = keyValueRoutes({
  kind: "secret",
  collection: "secrets",
  idParam: "secret_id",
  wrapper: "secret",
  listKey: "secrets",
  entriesKey: "secrets",
  maxEntries: 100,
  listBounds: { max: 100, default: 100 },
  name: { pattern: /^[a-z][a-z0-9-]{2,62}[a-z0-9]$/, max: 64, rule: "must be 4-64 lowercase letters, digits or '-', start with a letter and not end with '-'" },
  key: { pattern: /^[A-Za-z-][A-Za-z0-9._-]*$/, max: 63, rule: "must start with a letter or '-' and contain only letters, digits, '.', '-' and '_'" },
  value: { pattern: /^[^\^~#$%&<>()[\]{}'"\\]+$/, max: 20480, rule: "contains a forbidden character" },
  descriptionPattern: DESCRIPTION.pattern,
  workspaceBesideWrapper: false,
  // §5.6.1 tags: `key1.value1,key2.value2`; a secret must carry every one.
  tagFilter: (query) => {
    const wanted = query
      .get("tags")
      ?.split(",")
      .filter(Boolean)
      .map((pair) => (pair.includes(".") ? [pair.slice(0, pair.indexOf(".")), pair.slice(pair.indexOf(".") + 1)] : invalid("tags", "must be key.value pairs joined by commas")));
    return wanted?.length ? (tags) => wanted.every(([key, value]) => tags.some((t) => t.key === key && t.value === value)) : undefined;
  },
});

/** HiLens v3 (§5), plus the emulator's control routes for its asynchronous parts. */
export const hilensRoutes: Route[] = [
  ...workspaceRoutes,
  ...configMapRoutes,
  ...secretRoutes,
  ...deviceRoutes,
  ...platformOrderRoutes,
  ...deploymentRoutes,
  ...instanceRoutes,
  ...podRoutes,
  ...taskRoutes,
  ...tagRoutes,
  ...skillMarketRoutes,
  ...timingControlRoutes,
  ...deviceControlRoutes,
  ...platformOrderControlRoutes,
  ...skillMarketControlRoutes,
];
