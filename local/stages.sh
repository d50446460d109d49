# Sourced by recipes: numbered stages that are skipped once finished.
#
#   if begin_stage 3 "what it does"; then ...; end_stage 3; fi
#
# begin_stage is true when N lies in [stage, stop_stage] and N has not finished
# with the same settings ($stage_settings). end_stage leaves a marker holding
# those settings. A stage that crashes leaves no marker, so it runs again.
stage_markers=exp/stages

begin_stage() {
  local n=$1 what=$2 marker=$stage_markers/$1.done
  [ "$n" -ge "$stage" ] && [ "$n" -le "$stop_stage" ] || return 1
  if [ -f "$marker" ]; then
    if [ "$(cat "$marker")" != "$stage_settings" ]; then
      echo "$0: stage $n was run with '$(cat "$marker")', not '$stage_settings';" \
           "remove data/ and exp/ here to start again" >&2
      exit 1
    fi
    echo "== stage $n: $what: done already, skipped"
    return 1
  fi
  echo "== stage $n: $what ($(date +%T))"
  stage_start=$SECONDS
}

end_stage() {
  mkdir -p "$stage_markers"
  echo "$stage_settings" > "$stage_markers/$1.done"
  echo "== stage $1 finished in $((SECONDS - stage_start)) s"
}
