# Sourced by recipes after they set their defaults: "--some-name value" sets
# the shell variable some_name, which must already exist; "--help" lists them.
while [ $# -gt 0 ]; do
  case "$1" in
    --help|-h)
      echo "options (with defaults):"
      for _v in $opts; do echo "  --${_v//_/-} ${!_v}"; done
      exit 0 ;;
    --*)
      _name=${1#--}; _name=${_name//-/_}
      if [[ " $opts " != *" $_name "* ]]; then echo "$0: unknown option $1 (--help lists them)" >&2; exit 1; fi
      [ $# -ge 2 ] || { echo "$0: option $1 needs a value" >&2; exit 1; }
      printf -v "$_name" '%s' "$2"; shift 2 ;;
    *) echo "$0: unexpected argument $1" >&2; exit 1 ;;
  esac
done
