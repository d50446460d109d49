# Sourced by recipes and scripts: the project's virtual environment first on PATH.
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export PATH=$root/.venv/bin:$PATH
export LC_ALL=C PYTHONUNBUFFERED=1
