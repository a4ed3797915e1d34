#!/usr/bin/env bash
# Vendor the front-end assets buddynet serves itself (no CDN; strict CSP with
# script-src 'self') from the npm registry into src/buddynet/static/vendor/, and
# the assets only the browser tests use (axe-core, the accessibility checker) into
# tests/browser/vendor/, so they are never served in production.
#
# Re-runnable: every run fetches the pinned tarballs with `npm pack` into a temp
# dir, checks each tarball against its pinned sha512 integrity, stages only the
# distribution files we need, strips sourceMappingURL comments (the .map files
# are not vendored, and Django/whitenoise manifest storage fails on a reference
# to a missing file), checks that every url(...) in the copied CSS resolves to a
# copied file and that nothing points at an external host (for the served
# assets; axe-core's own code legitimately mentions @import), then replaces
# vendor/<package>/ and vendor/VERSIONS.txt. Other files under vendor/ are left
# alone. The output is deterministic: a re-run gives a byte-identical tree.
# Each destination ("static" or "tests") gets its own VERSIONS.txt.
#
# To upgrade a package: change its version and integrity below
# (`npm view <pkg>@<version> dist.integrity`), run this script, review the diff.
#
# Needs: npm (registry access), tar, sha256sum, python3.
# Optional self-check: if $PYTHON (default: the project's .venv python) can
# import Django, the vendored tree is also run through collectstatic with
# whitenoise's CompressedManifestStaticFilesStorage (or Django's
# ManifestStaticFilesStorage) in a temp STATIC_ROOT. Set VENDOR_SKIP_COLLECTSTATIC=1
# to skip it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/src/buddynet/static/vendor"
TEST_VENDOR="$ROOT/tests/browser/vendor"

# destination key -> directory
dest_dir() {
  case "$1" in
    static) echo "$VENDOR" ;;
    tests) echo "$TEST_VENDOR" ;;
    *) die "unknown destination '$1'" ;;
  esac
}

# name|exact version|npm dist.integrity of the tarball|destination (static or tests)
PACKAGES=(
  "bootstrap|5.3.9|sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w==|static"
  "bootstrap-icons|1.13.2|sha512-fAU1Ly3dH7hwRg+CB8EZ0Vl0fF80zgXHeUVJyfUOKzoURr+TbwISbCW5tKUoQLERaWYG2emTCybcPbD96hdD1A==|static"
  "chart.js|4.6.1|sha512-hJyniucsFmq//EvXYvJ6c6mahPoI3kaxdjVH8awTaJ/fDNWeSqqqArixMJWkWNN6fcYvPU3HneSANFNYtRi61g==|static"
  "htmx.org|2.0.11|sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==|static"
  # Test-only: the accessibility checker the browser tests inject (tests/browser/conftest.py).
  "axe-core|4.10.3|sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg==|tests"
)

# name|path inside the tarball's package/|destination relative to vendor/<name>/
FILES=(
  "bootstrap|LICENSE|LICENSE"
  "bootstrap|dist/css/bootstrap.min.css|css/bootstrap.min.css"
  "bootstrap|dist/js/bootstrap.bundle.min.js|js/bootstrap.bundle.min.js"
  "bootstrap-icons|LICENSE|LICENSE"
  "bootstrap-icons|font/bootstrap-icons.min.css|font/bootstrap-icons.min.css"
  "bootstrap-icons|font/fonts/bootstrap-icons.woff2|font/fonts/bootstrap-icons.woff2"
  "bootstrap-icons|font/fonts/bootstrap-icons.woff|font/fonts/bootstrap-icons.woff"
  "chart.js|LICENSE.md|LICENSE.md"
  "chart.js|dist/chart.umd.min.js|chart.umd.min.js"
  "htmx.org|LICENSE|LICENSE"
  "htmx.org|dist/htmx.min.js|htmx.min.js"
  "axe-core|LICENSE|LICENSE"
  "axe-core|axe.min.js|axe.min.js"
)

log() { printf 'vendor_static: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in npm tar sha256sum python3; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required"
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/vendor_static.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
STAGE="$TMP/stage"
mkdir -p "$STAGE"

# --- 1. fetch and verify the tarballs -------------------------------------
for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r name version integrity _ <<<"$entry"
  log "npm pack $name@$version"
  mkdir -p "$TMP/pack/$name" "$TMP/src/$name"
  (cd "$TMP/pack/$name" && npm pack "$name@$version" --json --ignore-scripts \
      --pack-destination "$TMP/pack/$name" >"$TMP/pack/$name/pack.json")
  tarball="$(python3 - "$TMP/pack/$name/pack.json" "$name" "$version" <<'PY'
import json, sys
path, name, version = sys.argv[1:]
info = json.load(open(path))
if len(info) != 1 or info[0]["name"] != name or info[0]["version"] != version:
    sys.exit(f"unexpected npm pack result for {name}@{version}: "
             f"{[(i.get('name'), i.get('version')) for i in info]}")
print(info[0]["filename"])
PY
)"
  tarball="$TMP/pack/$name/$tarball"
  [[ -f "$tarball" ]] || die "npm pack did not produce $tarball"
  actual="$(python3 - "$tarball" <<'PY'
import base64, hashlib, sys
with open(sys.argv[1], "rb") as fh:
    print("sha512-" + base64.b64encode(hashlib.sha512(fh.read()).digest()).decode())
PY
)"
  [[ "$actual" == "$integrity" ]] \
    || die "$name@$version integrity mismatch: pinned $integrity, got $actual"
  tar -xzf "$tarball" -C "$TMP/src/$name" --no-same-owner --no-same-permissions
done

# --- 2. stage the files we serve --------------------------------------------
package_dest() {
  local entry n
  for entry in "${PACKAGES[@]}"; do
    IFS='|' read -r n _ _ d <<<"$entry"
    [[ "$n" == "$1" ]] && { echo "$d"; return; }
  done
  die "$1 is in FILES but not in PACKAGES"
}
for entry in "${FILES[@]}"; do
  IFS='|' read -r name src dest <<<"$entry"
  from="$TMP/src/$name/package/$src"
  to="$STAGE/$(package_dest "$name")/$name/$dest"
  [[ -f "$from" ]] || die "$name: $src not found in the tarball"
  mkdir -p "$(dirname "$to")"
  cp "$from" "$to"
  chmod 0644 "$to"
  case "$to" in
    *.css|*.js)
      # Drop source-map comments: the .map files are not vendored.
      sed -i -E \
        -e '/^[[:space:]]*\/\*[#@][[:space:]]*sourceMappingURL=.*\*\/[[:space:]]*$/d' \
        -e '/^[[:space:]]*\/\/[#@][[:space:]]*sourceMappingURL=.*$/d' \
        "$to"
      ;;
  esac
done

# --- 3. check the staged tree -----------------------------------------------
# Every url(...) in CSS must be data: or a relative path to a staged file; no
# @import; no sourceMappingURL left; nothing pointing at a CDN or font host.
# Only the served tree is checked: the test-only axe-core parses stylesheets itself
# and so contains "@import" as a string; it is never served.
python3 - "$STAGE/static" <<'PY'
import pathlib, re, sys

stage = pathlib.Path(sys.argv[1])
# Same shape as Django's ManifestStaticFilesStorage url() pattern.
url_re = re.compile(r"""url\((?P<quote>['"]{0,1})\s*(?P<url>.*?)(?P=quote)\)""")
bad_re = re.compile(r"url\(\s*['\"]?\s*(https?:)?//|@import|//cdn|fonts\.googleapis|fonts\.gstatic"
                    r"|sourceMappingURL", re.I)
problems = []
for path in sorted(stage.rglob("*")):
    if not path.is_file() or path.suffix not in {".css", ".js"}:
        continue
    rel = path.relative_to(stage)
    text = path.read_text(encoding="utf-8")
    for m in bad_re.finditer(text):
        problems.append(f"{rel}: forbidden reference {text[m.start():m.start() + 60]!r}")
    if path.suffix != ".css":
        continue
    for m in url_re.finditer(text):
        url = m.group("url").strip()
        if not url or url.startswith(("data:", "#")):
            continue
        target = url.split("#", 1)[0].split("?", 1)[0]
        resolved = (path.parent / target).resolve()
        if not resolved.is_file() or stage.resolve() not in resolved.parents:
            problems.append(f"{rel}: url({url}) does not resolve inside the vendored tree")
if problems:
    sys.exit("vendor_static: ERROR:\n  " + "\n  ".join(problems))
PY

# --- 4. VERSIONS.txt, one per destination -----------------------------------
for key in static tests; do
  [[ -d "$STAGE/$key" ]] || continue
  dir="$(dest_dir "$key")"
  {
    echo "# Vendored front-end assets. Generated by scripts/vendor_static.sh -- do not edit."
    echo "# Source: npm registry tarballs (npm pack), checked against the pinned sha512 integrity."
    echo "# sourceMappingURL comments are stripped from CSS/JS; hashes are of the files as vendored."
    echo "# Verify: cd ${dir#"$ROOT"/} && grep -E '^[0-9a-f]{64}  ' VERSIONS.txt | sha256sum -c -"
    for entry in "${PACKAGES[@]}"; do
      IFS='|' read -r name version integrity d <<<"$entry"
      [[ "$d" == "$key" ]] || continue
      echo
      echo "$name@$version  $integrity"
      (cd "$STAGE/$key" && find "$name" -type f | LC_ALL=C sort | xargs sha256sum)
    done
  } >"$STAGE/$key/VERSIONS.txt"
done

# --- 5. install: replace only the directories this script owns ---------------
for key in static tests; do
  [[ -d "$STAGE/$key" ]] || continue
  dir="$(dest_dir "$key")"
  mkdir -p "$dir"
  for entry in "${PACKAGES[@]}"; do
    IFS='|' read -r name _ _ d <<<"$entry"
    [[ "$d" == "$key" ]] || continue
    rm -rf "${dir:?}/$name"
    cp -R "$STAGE/$key/$name" "$dir/$name"
  done
  cp "$STAGE/$key/VERSIONS.txt" "$dir/VERSIONS.txt"
  (cd "$dir" && grep -E '^[0-9a-f]{64}  ' VERSIONS.txt | sha256sum --quiet -c -) \
    || die "installed files in $dir do not match VERSIONS.txt"
done

# --- 6. optional: run the tree through manifest static storage ----------------
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
if [[ "${VENDOR_SKIP_COLLECTSTATIC:-0}" != "1" ]] && [[ -x "$PYTHON" ]] \
   && "$PYTHON" -c 'import django' >/dev/null 2>&1; then
  log "self-check: collectstatic with manifest storage"
  "$PYTHON" - "$VENDOR" "$TMP/static_root" <<'PY'
import importlib.util, io, sys
import django
from django.conf import settings
from django.core.management import call_command

vendor, static_root = sys.argv[1:]
backend = ("whitenoise.storage.CompressedManifestStaticFilesStorage"
           if importlib.util.find_spec("whitenoise")
           else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage")
settings.configure(
    DEBUG=False,
    INSTALLED_APPS=["django.contrib.staticfiles"],
    STATIC_URL="/static/",
    STATIC_ROOT=static_root,
    STATICFILES_DIRS=[("vendor", vendor)],
    STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    STORAGES={"staticfiles": {"BACKEND": backend}},
)
django.setup()
call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
print(f"vendor_static: collectstatic OK ({backend.rsplit('.', 1)[-1]})", file=sys.stderr)
PY
else
  log "self-check: collectstatic skipped (no Django at $PYTHON or VENDOR_SKIP_COLLECTSTATIC=1)"
fi

for key in static tests; do
  dir="$(dest_dir "$key")"
  log "done (bytes, path under ${dir#"$ROOT"/}):"
  (
    cd "$dir"
    names=()
    for entry in "${PACKAGES[@]}"; do
      IFS='|' read -r name _ _ d <<<"$entry"
      [[ "$d" == "$key" ]] && names+=("$name")
    done
    find "${names[@]}" VERSIONS.txt -type f -printf '%s\t%p\n' | LC_ALL=C sort -k2
    find "${names[@]}" VERSIONS.txt -type f -printf '%s\n' | awk '{t += $1} END {printf "%d\ttotal\n", t}'
  ) >&2
done
