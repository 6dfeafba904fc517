#!/bin/sh
# The system packages thidua needs, checked and installed from one place for `make run`, `make test` and CI.
#
#   sh scripts/system-deps.sh run    what the app needs (Pango for WeasyPrint's PDFs; the fonts ship with thidua)
#   sh scripts/system-deps.sh test   + what the suite needs (Debian's Chromium for the browser tests, gettext)
#   sh scripts/system-deps.sh ci     + PostgreSQL 15 for the suite's second run
#   sh scripts/system-deps.sh list PROFILE   print the packages of a profile and exit
#
# Missing packages are installed with apt-get when this runs as root on Debian/Ubuntu; otherwise the script
# stops with one line naming the packages to install. Nothing is downloaded when everything is present.
set -eu

profile=${1:-run}
case "$profile" in
  list) profile=${2:-run}; listing=1 ;;
  run | test | ci) listing=0 ;;
  *) echo "usage: $0 run|test|ci|list PROFILE" >&2; exit 2 ;;
esac

packages="libpango-1.0-0 libpangoft2-1.0-0"
case "$profile" in test | ci) packages="$packages chromium gettext" ;; esac
case "$profile" in ci) packages="$packages postgresql" ;; esac

if [ "$listing" = 1 ]; then echo "$packages"; exit 0; fi

# Where dpkg is the package manager, ask it; elsewhere look for what each package provides.
present() {
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
    return
  fi
  case "$1" in
    chromium) [ -x /usr/bin/chromium ] ;;
    gettext) command -v msgfmt >/dev/null 2>&1 ;;
    postgresql) command -v pg_ctlcluster >/dev/null 2>&1 || command -v pg_ctl >/dev/null 2>&1 ;;
    libpango-1.0-0) ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" ;;
    libpangoft2-1.0-0) ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so" ;;
    *) return 1 ;;
  esac
}

missing=""
for package in $packages; do
  present "$package" || missing="$missing $package"
done
missing=${missing# }
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "thidua: installing system packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086 # one word per package
  apt-get install -y -qq $missing >/dev/null
  still=""
  for package in $missing; do present "$package" || still="$still $package"; done
  [ -z "$still" ] && exit 0
  missing=${still# }
fi

echo "thidua: missing system packages: $missing (install them, e.g. sudo apt-get install $missing, then run make again)" >&2
exit 1
