#!/usr/bin/env bash
# Install what gplvm_explore()'s browser tests need, when it is missing:
#   bash tools/explore-deps.sh
# - from Debian: chromium (the headless browser), r-cran-shiny,
#   r-cran-processx, and r-cran-curl, r-cran-zip, r-cran-cpp11, libssl-dev,
#   which the CRAN packages below need to build;
# - from CRAN: chromote (drives the browser) with websocket and AsioHeaders,
#   and rlang, upgraded only when older than the 1.1.0 that chromote needs.
# Idempotent: a second run installs nothing.  Needs root for apt-get (without
# it, says what is missing and goes on); exits non-zero when, at the end,
# chromote, shiny, processx or the browser is still missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

debs="chromium r-cran-shiny r-cran-processx r-cran-curl r-cran-zip r-cran-cpp11
      libssl-dev"
missing=""
for p in $debs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "explore-deps: apt-get install$missing"
    timeout 900 apt-get update -qq
    timeout 1800 apt-get install -y -qq --no-install-recommends $missing \
      </dev/null
  else
    echo "explore-deps: cannot install$missing (not root or no apt-get)"
  fi
else
  echo "explore-deps: Debian packages present: $debs"
fi

timeout 1800 Rscript --vanilla - <<'EOF'
repos <- "https://cloud.r-project.org"
lib <- Find(function(l) file.access(l, 2L) == 0L, .libPaths())
has <- function(p, min = "0.0") {
  requireNamespace(p, quietly = TRUE) &&
    utils::packageVersion(p) >= package_version(min)
}
if (!has("rlang", "1.1.0")) {
  utils::install.packages("rlang", lib = lib, repos = repos)
}
need <- c("AsioHeaders", "websocket", "chromote")
need <- need[!vapply(need, has, NA)]
if (length(need)) {
  cat("explore-deps: installing from CRAN:", need, "\n")
  utils::install.packages(need, lib = lib, repos = repos)
}
pkgs <- c("shiny", "processx", "chromote")
miss <- pkgs[!vapply(pkgs, has, NA)]
browser <- Sys.which(c("chromium", "chromium-browser", "google-chrome"))
if (length(miss) || !any(nzchar(browser))) {
  cat("explore-deps: still missing:", miss,
      if (!any(nzchar(browser))) "a Chromium browser", "\n")
  quit(status = 1L)
}
cat(sprintf("explore-deps: ready: shiny %s, processx %s, chromote %s, %s\n",
            utils::packageVersion("shiny"), utils::packageVersion("processx"),
            utils::packageVersion("chromote"),
            browser[nzchar(browser)][1L]))
EOF
