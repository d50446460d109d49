#!/usr/bin/env bash
# Install what is missing, then run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash local/install.sh
. local/path.sh
python -m pytest -q tests "$@"
