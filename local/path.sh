# Sourced by recipes and scripts: the project's virtual environment first on PATH.
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export PATH=$root/.venv/bin:$PATH
export LC_ALL=C PYTHONUNBUFFERED=1
# OpenMP threads that spin while waiting collapse torch's speed (20x measured)
# when another job shares the cores; passive waiting costs nothing when alone.
export OMP_WAIT_POLICY=PASSIVE
