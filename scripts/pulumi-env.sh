#!/usr/bin/env bash
# Sourced by the scripts that run the real CLI (tests, main job, soak, bench): a Node >= 22.13,
# the dependencies installed and built, and the pinned pulumi CLI on PATH, run non-interactively
# and without plugin downloads.
source scripts/node-env.sh
bash scripts/install.sh
PATH="$(bash scripts/ensure-pulumi.sh):$PATH"
# The Pulumi YAML language host, for Pulumi.yaml programs on the native plugin (examples/yaml-fleet).
PATH="$(bash scripts/ensure-pulumi-yaml.sh):$PATH"
export PATH PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
