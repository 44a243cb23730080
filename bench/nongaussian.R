# Non-Gaussian GP-LVMs (issue 25) against PCA and their Gaussian
# counterparts.  Results: bench/nongaussian.md.
#
# Binary: the 109th U.S. Senate's roll calls (pscl::s109, 102 senators x
# 645 votes; yea = 1, nay = 0, anything else NA), votes with a minority
# under 2.5% dropped.  pscl is not a dependency of gplvm: run with it in a
# private library, e.g. the Debian package unpacked without installing:
#   apt-get download r-cran-pscl && dpkg -x r-cran-pscl_*.deb /tmp/pscl
#   R_LIBS=/tmp/pscl/usr/lib/R/site-library:<gplvm's library> \
#     Rscript bench/nongaussian.R
# Party separation: leave-one-out 1-nearest-neighbour errors of party
# (D / R; the one independent left out of the count) in the latent space,
# for gplvm(likelihood = "bernoulli") with q = 1 and 2, PCA of the vote
# matrix (NA as the column mean) and a logistic PCA written below in plain
# R (Collins, Dasgupta and Schapire 2001: logit P = 1 mu' + A B', NA
# entries left out, a small ridge on A and B, fitted by L-BFGS-B).
#
# Counts: a SIMULATED over-dispersed count matrix with known groups (no
# count matrix ships with R or the installed Debian R packages in a form
# with known groups): 150 rows in 3 groups on a 2-D latent, 80 columns,
# negative binomial with size 2 around exp(f(x)) for smooth random f.
# 10% of the entries are held out (NA in the fit).  Poisson and negative
# binomial GP-LVMs against the sparse Gaussian GP-LVM and PCA on log1p
# counts: leave-one-out 1-NN errors of the groups, the held-out log
# predictive probability of the counts (the Gaussian models' density of
# log1p(y) turned into a probability of the count y by integrating it
# over [log1p(y - 1/2), log1p(y + 1/2)]), and time.
suppressPackageStartupMessages(library(gplvm))

knn_errors <- function(X, g) {
  D <- as.matrix(dist(X))
  diag(D) <- Inf
  sum(g[apply(D, 1L, which.min)] != g)
}
timed <- function(expr) {
  t <- system.time(v <- expr)[["elapsed"]]
  list(value = v, time = t)
}

# ---- logistic PCA in plain R ----
logistic_pca <- function(Y, q, lambda = 1e-2, maxit = 2000) {
  n <- nrow(Y)
  d <- ncol(Y)
  obs <- !is.na(Y)
  Y0 <- ifelse(obs, Y, 0)
  unpack <- function(p) {
    list(mu = p[seq_len(d)], A = matrix(p[d + seq_len(n * q)], n),
         B = matrix(p[d + n * q + seq_len(d * q)], d))
  }
  theta <- function(u) sweep(u$A %*% t(u$B), 2L, u$mu, `+`)
  fn <- function(p) {
    u <- unpack(p)
    th <- theta(u)
    -sum((Y0 * th - log1p(exp(th)))[obs]) +
      lambda / 2 * (sum(u$A^2) + sum(u$B^2))
  }
  gr <- function(p) {
    u <- unpack(p)
    G <- -(Y0 - stats::plogis(theta(u))) * obs
    c(colSums(G), G %*% u$B + lambda * u$A, t(G) %*% u$A + lambda * u$B)
  }
  set.seed(1)
  p0 <- c(numeric(d), stats::rnorm(n * q, sd = 0.1), stats::rnorm(d * q, sd = 0.1))
  r <- stats::optim(p0, fn, gr, method = "L-BFGS-B",
                    control = list(maxit = maxit, factr = 1e5))
  list(X = unpack(r$par)$A, convergence = r$convergence)
}

# ---- binary: the 109th Senate ----
senate <- function() {
  if (!requireNamespace("pscl", quietly = TRUE)) {
    cat("pscl not available: the roll-call part is skipped\n")
    return(NULL)
  }
  e <- new.env()
  utils::data("s109", package = "pscl", envir = e)
  v <- e$s109$votes
  Y <- ifelse(v %in% 1:3, 1, ifelse(v %in% 4:6, 0, NA))
  Y <- matrix(Y, nrow(v))
  minority <- apply(Y, 2L, function(y) min(mean(y, na.rm = TRUE),
                                           1 - mean(y, na.rm = TRUE)))
  Y <- Y[, minority >= 0.025]
  party <- as.character(e$s109$legis.data$party)
  keep <- party != "Indep"
  cat(sprintf("Senate: %d senators x %d votes (%.1f%% NA)\n", nrow(Y),
              ncol(Y), 100 * mean(is.na(Y))))
  Yi <- apply(Y, 2L, function(y) ifelse(is.na(y), mean(y, na.rm = TRUE), y))
  rows <- list()
  add <- function(method, q, X, time, conv = NA) {
    rows[[length(rows) + 1L]] <<- data.frame(
      method = method, q = q,
      errors = knn_errors(X[keep, , drop = FALSE], party[keep]),
      time = time, convergence = conv)
  }
  for (q in 1:2) {
    p <- timed(stats::prcomp(Yi)$x[, seq_len(q), drop = FALSE])
    add("PCA", q, p$value, p$time)
    l <- timed(logistic_pca(Y, q))
    add("logistic PCA (plain R)", q, l$value$X, l$time, l$value$convergence)
    f <- timed(gplvm(Y, q = q, likelihood = "bernoulli", inducing = 15))
    add("GP-LVM bernoulli (logit)", q, f$value$X, f$time,
        f$value$optim$convergence)
    cat(sprintf("  q = %d: GP-LVM %d evaluations\n", q,
                f$value$optim$evaluations))
  }
  do.call(rbind, rows)
}

# ---- counts: simulated, over-dispersed, known groups ----
simulate_counts <- function(n = 150, d = 80, size = 2) {
  set.seed(25)
  g <- rep(1:3, length.out = n)
  centres <- rbind(c(-1.5, 0), c(1.5, 0), c(0, 1.8))
  X <- centres[g, ] + matrix(stats::rnorm(2 * n, sd = 0.6), n)
  # smooth random functions: 30 random Fourier features of an RBF kernel
  W <- matrix(stats::rnorm(2 * 30), 2)
  b <- stats::runif(30, 0, 2 * pi)
  Phi <- sqrt(2 / 30) * cos(X %*% W + matrix(b, n, 30, byrow = TRUE))
  Fm <- Phi %*% matrix(stats::rnorm(30 * d), 30) + 1
  Y <- matrix(stats::rnbinom(n * d, size = size, mu = exp(Fm)), n)
  list(Y = Y, g = g)
}

# log predictive probability of held-out counts y for the Gaussian models
# of log1p(y): N(m, s2) integrated over the count's bin.
lpd_gauss_log1p <- function(y, m, s2) {
  s <- sqrt(s2)
  sum(log(pmax(stats::pnorm((log1p(y + 0.5) - m) / s) -
                 stats::pnorm((log1p(pmax(y - 0.5, -0.5 + 1e-12)) - m) / s),
               1e-300)))
}

# ... and for the count GP-LVMs: log E_q(f)[p(y | f)] by Gauss-Hermite.
lpd_count <- function(fit, rows, cols, y) {
  f <- predict(fit, newlatent = fit$X[rows, , drop = FALSE], type = "link",
               se.fit = TRUE)
  idx <- cbind(seq_along(rows), cols)
  mu <- f$fit[idx]
  sd <- f$se.fit[idx]
  k <- 40L
  J <- matrix(0, k, k)
  J[cbind(1:(k - 1), 2:k)] <- J[cbind(2:k, 1:(k - 1))] <- sqrt(1:(k - 1))
  e <- eigen(J, symmetric = TRUE)
  z <- e$values
  w <- e$vectors[1, ]^2
  size <- if (!is.null(fit$size)) fit$size[cols] else NULL
  p <- vapply(seq_along(y), function(i) {
    rate <- exp(mu[i] + sd[i] * z)
    lp <- if (is.null(size)) stats::dpois(y[i], rate, log = TRUE)
          else stats::dnbinom(y[i], size = size[i], mu = rate, log = TRUE)
    mx <- max(lp)
    mx + log(sum(w * exp(lp - mx)))
  }, 0)
  sum(p)
}

counts <- function() {
  s <- simulate_counts()
  Y <- s$Y
  set.seed(26)
  held <- sample(length(Y), round(0.1 * length(Y)))
  Ytr <- Y
  Ytr[held] <- NA
  rr <- row(Y)[held]
  cc <- col(Y)[held]
  y <- Y[held]
  cat(sprintf("Counts: %d x %d, mean %.1f, variance/mean %.1f, %d held out\n",
              nrow(Y), ncol(Y), mean(Y), mean(apply(Y, 2L, var) /
                                               pmax(colMeans(Y), 1e-9)),
              length(held)))
  rows <- list()
  add <- function(method, X, time, lpd, conv = NA, evals = NA) {
    rows[[length(rows) + 1L]] <<- data.frame(
      method = method, errors = knn_errors(X, s$g), heldout_lpd = lpd,
      time = time, convergence = conv, evaluations = evals)
  }
  # PCA on log1p, NA as the column mean; held-out: the rank-2
  # reconstruction with the residual variance of the observed entries
  L <- log1p(Ytr)
  Li <- apply(L, 2L, function(x) ifelse(is.na(x), mean(x, na.rm = TRUE), x))
  p <- timed(stats::prcomp(Li, rank. = 2))
  rec <- sweep(p$value$x %*% t(p$value$rotation), 2L, p$value$center, `+`)
  s2 <- mean((L - rec)^2, na.rm = TRUE)
  add("PCA on log1p", p$value$x, p$time,
      lpd_gauss_log1p(y, rec[held], s2))
  # sparse Gaussian GP-LVM on log1p
  gfit <- timed(gplvm(L, q = 2, inducing = 15))
  gm <- predict(gfit$value, newlatent = gfit$value$X, se.fit = TRUE)
  add("GP-LVM gaussian on log1p", gfit$value$X, gfit$time,
      lpd_gauss_log1p(y, gm$fit[held],
                      gm$se.fit[held]^2 + gfit$value$noise),
      gfit$value$optim$convergence, gfit$value$optim$evaluations)
  for (lik in c("poisson", "negbin")) {
    f <- timed(gplvm(Ytr, q = 2, likelihood = lik, inducing = 15))
    add(sprintf("GP-LVM %s", lik), f$value$X, f$time,
        lpd_count(f$value, rr, cc, y), f$value$optim$convergence,
        f$value$optim$evaluations)
  }
  do.call(rbind, rows)
}

# Rscript bench/nongaussian.R [senate] [counts]: the parts to run (both
# by default).
parts <- commandArgs(TRUE)
if (!length(parts)) parts <- c("senate", "counts")
cat("BLAS:", La_library(), "\n")
cat("load:", readLines("/proc/loadavg"), "\n")
if ("senate" %in% parts) print(senate(), row.names = FALSE, digits = 4)
if ("counts" %in% parts) print(counts(), row.names = FALSE, digits = 6)
cat("load:", readLines("/proc/loadavg"), "\n")
