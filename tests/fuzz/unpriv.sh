# shellcheck shell=bash
# Sourced by replay.sh, run.sh and seeds.sh for the recovery target, whose
# finding is a write outside the home: as root, it runs as nobody
# (setpriv), so that a bug cannot write where root could; as anyone else,
# as that user. Either way in a folder of its own that the runner owns.
#   unpriv_box NAME     $box: a new folder for the run, on /dev/shm when
#                       there is one (every input renames and syncs files)
#   unpriv_give PATH... gives PATH (and what it holds) to nobody, as root
#   unpriv CMD...       runs CMD as the runner, with TMPDIR=$box
# The runner cannot enter a checkout or build folder of mode 0700: copy
# what it runs and reads into $box first.
unpriv_user=nobody
unpriv_group=nogroup

unpriv_box() {
  local base=${TMPDIR:-/tmp}
  [ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
  box=$(mktemp -d "$base/portshift-$1.XXXXXX")
  chmod 0755 "$box"
}

unpriv_give() {
  [ "$(id -u)" -ne 0 ] || chown -R "$unpriv_user:$unpriv_group" "$@"
}

unpriv() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid="$unpriv_user" --regid="$unpriv_group" --clear-groups -- env TMPDIR="$box" "$@"
  else
    TMPDIR="$box" "$@"
  fi
}
