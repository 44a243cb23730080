# gplvm_check_gradient(): it passes on the package's own gradients (every
# kernel, exact and sparse), it flags a wrong one, and its numbers are the
# documented central differences.

test_that("every kernel passes in the exact and the sparse models", {
  set.seed(101)
  dat <- sparse_data(n = 10, d = 3, q = 2, m = 4)
  worst <- c(exact = 0, vfe = 0, fitc = 0, dtc = 0)
  for (model in names(worst)) {
    ks <- if (model == "exact") test_kernels(2) else sparse_kernels(2)
    for (i in seq_along(ks)) {
      # a linear kernel has rank q: keep k(Z, Z) non-singular (M = q)
      Z <- if (model == "exact") NULL
           else if (startsWith(names(ks)[i], "linear")) dat$Z[1:2, ]
           else dat$Z
      chk <- gplvm_check_gradient(dat$Y, dat$X, ks[[i]], 0.2, inducing = Z,
                                  approx = if (model == "exact") "vfe"
                                           else model)
      expect_s3_class(chk, c("gplvm_gradient_check", "data.frame"),
                      exact = TRUE)
      expect_named(chk, c("parameter", "analytic", "numeric", "rel_error"))
      expect_identical(nrow(chk), length(dat$X) + length(Z) +
                         length(kern_params(ks[[i]])) + 1L)
      expect_identical(attr(chk, "tolerance"), 1e-4)
      expect_lt(max(chk$rel_error), 1e-6)
      worst[model] <- max(worst[model], chk$rel_error)
    }
  }
  message("gplvm_check_gradient, largest rel_error: ",
          paste(sprintf("%s %.2g", names(worst), worst), collapse = ", "))
})

test_that("rows are named by component, with the analytic gradient as given", {
  set.seed(103)
  dat <- sparse_data(q = 2, n = 3, m = 2)
  k <- kern_rbf(1, c(1, 2)) + kern_bias(0.1)
  chk <- gplvm_check_gradient(dat$Y, dat$X, k, 0.3, inducing = dat$Z)
  expect_identical(chk$parameter, c(
    "X[1,1]", "X[2,1]", "X[3,1]", "X[1,2]", "X[2,2]", "X[3,2]",
    "rbf.variance", "rbf.lengthscale1", "rbf.lengthscale2", "bias.variance",
    "noise", "inducing[1,1]", "inducing[2,1]", "inducing[1,2]",
    "inducing[2,2]"))
  g <- attr(gplvm_loglik(dat$Y, dat$X, k, 0.3, gradient = TRUE,
                         inducing = dat$Z), "gradient")
  expect_identical(chk$analytic,
                   unname(c(g$X, g$kernel, g$noise, g$inducing)))
  # a single kernel gets its type in front; approx reaches gplvm_loglik()
  chk1 <- gplvm_check_gradient(dat$Y, dat$X, kern_matern32(), 0.3,
                               inducing = dat$Z, approx = "fitc")
  expect_identical(chk1$parameter[7:8],
                   c("matern32.variance", "matern32.lengthscale"))
  g1 <- attr(gplvm_loglik(dat$Y, dat$X, kern_matern32(), 0.3, TRUE,
                          inducing = dat$Z, approx = "fitc"), "gradient")
  expect_identical(chk1$analytic[9], g1$noise)
})

test_that("the numbers are the documented central differences", {
  set.seed(104)
  dat <- sparse_data(q = 2, n = 6)
  k <- kern_rbf(1.5, 0.7) + kern_linear(0.3)
  noise <- 1e-3   # small: the step must stay relative to it
  chk <- gplvm_check_gradient(dat$Y, dat$X, k, noise, inducing = dat$Z)
  f <- function(X = dat$X, th = kern_params(k), s = noise, Z = dat$Z) {
    kk <- k
    kern_params(kk) <- th
    gplvm_loglik(dat$Y, X, kk, s, inducing = Z)
  }
  # written out from ?gplvm_check_gradient: five-point differences at
  # h = eps^(1/5) max(|x|, s_i) (s_i the root mean square of X or Z, 0 for
  # positive parameters), h / 10 and h / 100; the one whose differences
  # from its neighbours are smallest
  central <- function(fx, x, s) {
    h <- .Machine$double.eps^(1 / 5) * max(abs(x), s) * c(1, 0.1, 0.01)
    at <- function(v) vapply(v, fx, 0)
    d <- (8 * (at(x + h) - at(x - h)) - (at(x + 2 * h) - at(x - 2 * h))) /
      (12 * h)
    err <- c(abs(d[1] - d[2]), max(abs(d[1] - d[2]), abs(d[2] - d[3])),
             abs(d[2] - d[3]))
    d[which.min(err)]
  }
  X <- dat$X
  hand <- c(
    x32 = central(function(v) f(X = replace(X, 5, v)), X[5],
                  sqrt(mean(X^2))),
    lengthscale = central(function(v) f(th = replace(kern_params(k), 2, v)),
                          0.7, 0),
    noise = central(function(v) f(s = v), noise, 0),
    z = central(function(v) f(Z = replace(dat$Z, 3, v)), dat$Z[3],
                sqrt(mean(dat$Z^2))))
  rows <- match(c("X[5,1]", "rbf.lengthscale", "noise", "inducing[3,1]"),
                chk$parameter)
  got <- chk$numeric[rows]
  expect_equal(got, unname(hand), tolerance = 1e-12)
  # and the rel_error column follows its definition
  size <- c(max(abs(X[5]), sqrt(mean(X^2))), 0.7, noise,
            max(abs(dat$Z[3]), sqrt(mean(dat$Z^2))))
  a <- chk$analytic[rows]
  expect_equal(chk$rel_error[rows],
               abs(a - got) / pmax(abs(a), abs(got), 0.01 * abs(f()) / size),
               tolerance = 1e-12)
  # an independent plain central difference with step 1e-5 (relative)
  # agrees with the noise derivative
  d <- (f(s = noise * (1 + 1e-5)) - f(s = noise * (1 - 1e-5))) /
    (2e-5 * noise)
  expect_equal(got[3], d, tolerance = 1e-7)
})

test_that("a wrong analytic gradient is flagged, and only where it is wrong", {
  set.seed(105)
  dat <- sparse_data(n = 10, d = 3, q = 2, m = 4)
  k <- kern_rbf(1.2, c(0.8, 1.5)) + kern_white(0.1)
  args <- list(Y = dat$Y, X = dat$X, kernel = k, noise = 0.2,
               inducing = NULL)
  prob <- .gradient_problem(args, max_latent = Inf)
  ok <- .check_gradient_core(prob$f, prob$g, prob$par, prob$scale,
                             tolerance = 1e-6, value = prob$value)
  expect_true(all(ok$rel_error < 1e-6))
  expect_output(print(ok), "OK: all 25 components within tolerance 1e-06")
  # a 1% error in one lengthscale derivative
  g <- prob$g
  i <- match("rbf.lengthscale2", names(prob$par))
  g[i] <- g[i] * 1.01
  bad <- .check_gradient_core(prob$f, g, prob$par, prob$scale,
                              tolerance = 1e-4, value = prob$value)
  expect_identical(which(bad$rel_error > 1e-4), i)
  expect_gt(bad$rel_error[i], 1e-3)
  out <- capture.output(res <- print(bad))
  expect_identical(res, bad)
  expect_match(out[length(out)], paste("FAILED: 1 of 25 components above",
                                       "tolerance 1e-04.*rbf.lengthscale2"))
  expect_match(grep("^ rbf.lengthscale2", out, value = TRUE), "\\*$")
  expect_length(grep("\\*$", out), 1L)
  # the classic slip: dL/dK without its factor 1/2 doubles every component
  twice <- .check_gradient_core(prob$f, 2 * prob$g, prob$par, prob$scale,
                                value = prob$value)
  expect_true(all(twice$rel_error > 0.1))
  # a latent coordinate's gradient with the wrong sign
  j <- match("X[7,2]", names(prob$par))
  flip <- .check_gradient_core(prob$f, replace(prob$g, j, -prob$g[j]),
                               prob$par, prob$scale, value = prob$value)
  expect_identical(which(flip$rel_error > 1e-4), j)
})

test_that("rel_error stays finite and small at a zero gradient", {
  # f has a zero derivative in a at 0; f = 50 there and the default s_i is
  # 1, so the floor is 0.5
  f <- function(p) 46 + 1e6 * p[1]^5 + p[2]^3 + 3 * p[2]
  chk <- .check_gradient_core(f, c(0, 6), c(a = 0, b = 1))
  expect_lt(abs(chk$numeric[1]), 1e-9)
  expect_lt(max(chk$rel_error), 1e-9)
  # a tiny absolute discrepancy at a zero gradient is a tiny rel_error (the
  # plain relative error would be 1), a real one is not
  for (a in c(1e-9, 0.05)) {
    got <- .check_gradient_core(f, c(a, 6), c(a = 0, b = 1))$rel_error[1]
    expect_equal(got, (a - chk$numeric[1]) / 0.5, tolerance = 1e-6)
    expect_lt(abs(got / (2 * a) - 1), 1e-6)
  }
  # away from zero it is the plain relative error
  expect_equal(.check_gradient_core(f, c(0, 6.6), c(a = 0, b = 1))$rel_error[2],
               0.6 / 6.6, tolerance = 1e-8)
  expect_identical(chk$parameter, c("a", "b"))
  expect_identical(.check_gradient_core(f, c(0, 6), c(0, 1))$parameter,
                   c("par[1]", "par[2]"))
})

test_that("the step adapts: a sharp bend wants a small step, noise a large one", {
  # L = sqrt(x^2 + b^2) with b = 1e-5 bends within 1e-5 of x = 0: at
  # x = 1e-3 on a coordinate scale of 1 the first step (7e-4) is far too
  # coarse, and the smallest one (7e-6) is used
  sharp <- function(p) sqrt(p^2 + 1e-10)
  chk <- .check_gradient_core(sharp, 1e-3 / sqrt(1e-6 + 1e-10), 1e-3,
                              scale = 1)
  expect_lt(chk$rel_error, 1e-8)
  h <- .Machine$double.eps^(1 / 5)
  first <- .central_differences(sharp, 1e-3, h)
  expect_gt(abs(first - chk$analytic) / chk$analytic, 0.01)
  # rounding noise of relative size 1e-11 in L: the first step is kept
  set.seed(108)
  noisy <- function(p) exp(p) * (1 + 1e-11 * runif(1, -1, 1))
  chk <- .check_gradient_core(noisy, exp(1), 1)
  expect_lt(chk$rel_error, 1e-7)
})

test_that("max_latent checks a reproducible random subset of coordinates", {
  set.seed(106)
  dat <- sparse_data(q = 2, n = 30, m = 12)
  k <- kern_rbf()
  run <- function(seed, ...) {
    set.seed(seed)
    gplvm_check_gradient(dat$Y, dat$X, k, 0.2, max_latent = 10, ...)
  }
  a <- run(1)
  expect_identical(nrow(a), 10L + 2L + 1L)
  x_rows <- grep("^X\\[", a$parameter, value = TRUE)
  expect_length(x_rows, 10L)
  expect_true(all(x_rows %in% sprintf("X[%d,%d]", row(dat$X), col(dat$X))))
  expect_identical(run(1), a)
  expect_false(identical(run(2)$parameter, a$parameter))
  # each coordinate matrix gets at most max_latent entries
  s <- run(3, inducing = dat$Z)
  expect_length(grep("^inducing\\[", s$parameter), 10L)
  expect_lt(max(s$rel_error), 1e-6)
  # small enough to check entirely: all rows, R's generator untouched
  set.seed(7)
  before <- .Random.seed
  all <- gplvm_check_gradient(dat$Y[1:4, ], dat$X[1:4, ], k, 0.2,
                              max_latent = 8)
  expect_identical(.Random.seed, before)
  expect_identical(nrow(all), 8L + 3L)
  expect_identical(nrow(gplvm_check_gradient(dat$Y, dat$X, k, 0.2,
                                             max_latent = Inf)), 63L)
})

test_that("print lists the largest errors when there are many rows", {
  set.seed(107)
  dat <- sparse_data(q = 2, n = 20)
  chk <- gplvm_check_gradient(dat$Y, dat$X, kern_rbf(), 0.2,
                              tolerance = 1e-3)
  expect_identical(attr(chk, "tolerance"), 1e-3)
  out <- capture.output(print(chk, max_rows = 5))
  expect_length(out, 2L + 5L + 2L)   # title, header, 5 rows, 2 notes
  expect_match(out, "38 more rows with smaller errors not shown", all = FALSE)
  expect_match(out[length(out)],
               "^OK: all 43 components within tolerance 0.001")
  # flagged rows are listed even beyond max_rows
  strict <- chk
  attr(strict, "tolerance") <- 0
  out <- capture.output(print(strict, max_rows = 5))
  expect_length(grep("\\*$", out), 43L)
  expect_match(out[length(out)], "^FAILED: 43 of 43")
  # a subset keeps the tolerance; an empty one says so
  expect_identical(attr(chk[1:3, ], "tolerance"), 1e-3)
  expect_output(print(chk[0, ]), "No components checked")
})

test_that("a later gradient component (X_var) is handled without redesign", {
  # gplvm_loglik() does not take X_var yet: the block for it alone, as
  # .gradient_problem() would build it from gplvm_loglik()'s gradient list
  S <- matrix(c(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), 3, 2)
  args <- list(X = S * 0, X_var = S)
  b <- .gradient_block("X_var", args, list(X_var = -S), max_latent = 50)
  expect_identical(b$label, sprintf("X_var[%d,%d]", c(1:3, 1:3),
                                    rep(1:2, each = 3)))
  expect_identical(b$scale, rep(0, 6))   # positive: relative steps
  expect_identical(b$analytic, -c(S))
  expect_identical(b$set(args, 1:6)$X_var, matrix(as.double(1:6), 3, 2))
  set.seed(3)
  sub <- .gradient_block("X_var", args, list(X_var = -S), max_latent = 2)
  expect_length(sub$index, 2L)
  expect_identical(sub$set(args, c(7, 8))$X_var[sub$index], c(7, 8))
})
