"""benchmarks/run.py --quick ends with one parseable JSON line of the named figures (about 45 s)."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmarks_print_the_figures_as_json_last():
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--utts", "2"],
                         capture_output=True, text=True, env=env, timeout=600, check=True)
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    for name in ("emulator_cgs75_vs_dense", "emulator_vs_torch_float", "cgs_train_epoch_vs_dense",
                 "cgs_distill_train_epoch_vs_dense", "decode_rtf"):
        assert isinstance(figures[name], float) and figures[name] > 0, name
    assert figures["decode_set"] == "generated" and figures["decode_utts"] == 2
