"""One DET plot (false-reject rate against false alarms per hour) of several cgs-kws-eval results.

    cgs-kws-det-plot OUT.png NAME=OUT_DIR/kws.json [NAME=...]
"""
import argparse
import json
from pathlib import Path

from cgs_asr.bin.common import program
from cgs_asr.score.kws import plot_det


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("png", type=Path)
    parser.add_argument("results", nargs="+", metavar="NAME=KWS.json")
    args = parser.parse_args(argv)
    curves = {}
    for spec in args.results:
        name, sep, path = spec.partition("=")
        if not sep or not name:
            parser.error(f"{spec}: expected NAME=path/to/kws.json")
        try:
            curves[name] = json.loads(Path(path).read_text(encoding="utf-8"))["curve"]
        except (OSError, ValueError, KeyError) as e:
            raise ValueError(f"{path}: not a cgs-kws-eval result ({e})") from None
    args.png.parent.mkdir(parents=True, exist_ok=True)
    plot_det(curves, args.png)
    print(f"{args.png}: {', '.join(curves)}")


if __name__ == "__main__":
    main()
