"""Metadata is in setup.cfg; this file only adds the emulator's compiled block-sparse kernel.

The extension is optional: where it cannot be built, the emulator uses its
torch path (same integers, slower).
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("cgs_asr.hw._blocksparse", ["cgs_asr/hw/_blocksparse.c"],
                             extra_compile_args=["-O3", "-Wno-psabi"], optional=True)])
