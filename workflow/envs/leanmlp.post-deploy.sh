#!/usr/bin/env bash
# Snakemake runs this inside the new environment, from the workflow's working directory
# (the repository root): make the leanmlp package importable there.
set -euo pipefail
python -m pip install --no-deps --no-build-isolation -e .
