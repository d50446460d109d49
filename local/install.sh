#!/usr/bin/env bash
# Install what is missing, and nothing else: Debian packages (TTS engines and
# voices), a virtual environment in .venv with the CPU build of torch and this
# package (editable) with its dependencies. Safe to run again: it only checks.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
venv=$root/.venv

debs=(espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts)
python3 -c "import ensurepip" 2>/dev/null || debs+=(python3-venv)
# A C compiler and Python's headers build the emulator's block-sparse kernel (setup.py).
command -v cc >/dev/null || debs+=(gcc libc6-dev)
python3 -c "import os, sysconfig; assert os.path.isfile(os.path.join(sysconfig.get_paths()['include'], 'Python.h'))" \
  2>/dev/null || debs+=(python3-dev)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install.sh: installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
# Reinstall only when the dependencies or the compiled emulator kernel changed.
want=$(cat "$root/setup.cfg" "$root/pyproject.toml" "$root/setup.py" "$root/cgs_asr/hw/_blocksparse.c" | sha1sum | cut -d' ' -f1)
if [ "$(cat "$venv/.install-stamp" 2>/dev/null)" != "$want" ]; then
  echo "install.sh: installing Python packages into $venv"
  "$venv/bin/pip" install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  # The CPU wheel first: an unpinned torch would pull a multi-GB CUDA build.
  "$venv/bin/pip" install -q torch==2.13.0 2>&1 | grep -v "^WARNING: Location" || true
  "$venv/bin/pip" install -q -e "$root[test]" 2>&1 | grep -v "^WARNING: Location" || true
  "$venv/bin/python" -c "import torch, kaldi_hmm_gmm, kaldifst, kaldi_native_fbank, cgs_asr" \
    || { echo "install.sh: the Python environment is broken" >&2; exit 1; }
  echo "$want" > "$venv/.install-stamp"
fi
