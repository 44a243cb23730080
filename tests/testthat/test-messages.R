# Regression tests for issue 24: messages that name the cause and the
# argument to change, starts that cannot move, and damaged fits.

test_that("failures that are no numerical failure of the start have classes", {
  set.seed(241)
  Y <- matrix(rnorm(60), 20, 3)
  X <- matrix(rnorm(40), 20, 2)
  old <- options(gplvm.threads = "two")
  on.exit(options(old))
  # Before: a plain error; the fit wrapped it as "the model cannot be
  # evaluated at the starting values (...)", like a numerical failure.
  err <- tryCatch(gplvm_loglik(Y, X, kern_rbf(), 0.1), error = identity)
  expect_s3_class(err, "gplvm_option_error")
  expect_match(conditionMessage(err), paste(
    "option 'gplvm.threads' must be a positive whole number, not \"two\";",
    "set it with options\\(gplvm.threads = 2\\)"))
  # ... and gplvm() says so before it starts, for every kind of fit
  for (inducing in list(NULL, 5)) {
    expect_error(gplvm(Y, 2, inducing = inducing),
                 class = "gplvm_option_error")
  }
  options(old)
  n <- 46341
  err <- tryCatch(gplvm_loglik(matrix(0, n, 1), matrix(0, n, 1), kern_rbf(),
                               0.1), error = identity)
  expect_s3_class(err, "gplvm_size_error")
  expect_match(conditionMessage(err), "'Y' has 46341 rows, too many")
})

test_that("a failed allocation names the exact model's size and the way out", {
  # Before: "cannot allocate vector of size 1.5 Gb" (or "cannot allocate
  # 1495 MB of workspace"), a plain error naming nothing to change.  A
  # child process with 1.2 GB of address space cannot hold the 1.5 GB
  # covariance of 14000 rows.
  res <- run_child_r(c(
    "n <- 14000",
    "Y <- matrix(seq_len(n) / n, n, 1)",
    "e <- tryCatch(gplvm_loglik(Y, Y, kern_rbf(), 0.1), error = identity)",
    "cat(class(e)[1], conditionMessage(e), sep = '\\n')"),
    seconds = 120, vmem_kb = 1200000)
  expect_identical(res$status, 0L)
  expect_identical(res$output[1], "gplvm_memory_error")
  expect_match(res$output[2], paste(
    "^cannot allocate .* for the exact model of 'Y' with 14000 rows.*use",
    "the sparse model"))
})

test_that("the scale check of 'Y' ignores NA and knows the Bayesian limit", {
  set.seed(242)
  Y <- as.matrix(iris[seq(1, 150, 3), 1:4])
  big <- Y
  big[1, 1] <- NA
  big[2, 2] <- 1e200
  # Before: "(largest absolute value NA)"
  expect_error(gplvm(big, 2), "'Y' \\(largest absolute value 1e\\+200,")
  # Before: the exact fit took data scaled by 1e70, the Bayesian one said
  # only "the covariance matrix or the log-likelihood is not finite"
  for (s in c(1e70, 1e-70)) {
    expect_error(gplvm(Y * s, 2, bayesian = TRUE, inducing = 5),
                 paste("'Y' .* too far from 1 to fit with 'bayesian =",
                       "TRUE': the mean column variance must be between",
                       "1e-100 and 1e\\+100"))
  }
  # inside the limit the Bayesian bound is finite
  sc <- 1e45
  fit <- stopped_early(gplvm(Y * sc, 2, bayesian = TRUE, inducing = 5,
                             maxit = 20))
  expect_true(is.finite(fit$loglik))
})

test_that("argument checks name the argument and what it takes", {
  set.seed(243)
  Y <- as.matrix(iris[seq(1, 150, 5), 1:4])
  # Before: "'maxit' must be a whole number of at least 1"
  expect_error(gplvm(Y, 2, maxit = 1e10),
               "'maxit' must be a whole number between 1 and 2147483647")
  # Before: "'init_sd' = 1 starts the latent positions at 9.9e+299 times"
  expect_error(gplvm(Y, 2, kernel = kern_rbf(1, 1e-300)),
               "'kernel' has lengthscale 1e-300, which puts the starting")
  # ... while a start spread too wide still blames 'init_sd'
  expect_error(gplvm(Y, 2, init_sd = 1e5), "'init_sd' = 1e\\+05 starts")
  # Before: passed the check, then stopped the optimiser with code 99
  expect_error(gplvm(Y, 2, noise_prior = 1e300),
               "'noise_prior' must be a single number between 0")
  expect_error(gplvm(Y, 2, noise_prior = -1), "'noise_prior'")
  # Before: partially matched to 'kernel', then "'kernel' must be a kernel"
  expect_error(gplvm(USArrests, k = 2), paste(
    "gplvm\\(\\) takes no argument named 'k'; R would take it for 'kernel':",
    "write the full name"))
  expect_error(gplvm(Y, 2, ma = 10, tr = 0), "'ma', 'tr'.*'maxit', 'trace'")
  # Before: "'arg' should be one of ..." (match.arg's)
  expect_error(gplvm(Y, 2, method = "Nelder-Mead"), paste(
    "'method' must be one of \"L-BFGS-B\", \"BFGS\", \"CG\", \"SCG\"",
    "\\(optimisers that use the gradient\\)"))
  # Before: "unused argument (ard = TRUE)"
  expect_error(kern_rbf(ard = TRUE), paste(
    "kern_rbf\\(\\) takes no argument 'ard'; for ARD give 'lengthscale'",
    "one value per latent dimension"))
  expect_error(kern_linear(ard = TRUE), "ARD give 'variance'")
  expect_error(kern_bias(ard = TRUE), "kern_bias\\(\\) takes no argument")
  expect_error(kern_rbf(1, 1, 2), "takes only the arguments 'variance'")
  expect_identical(kern_rbf(2, c(1, 3)),
                   kern_rbf(variance = 2, lengthscale = c(1, 3)))
})

test_that("new data far beyond the training scale are refused by name", {
  fit <- small_fit()
  Y <- as.matrix(iris[seq(1, 150, 5), 1:4])
  # Before: "... could not be optimised ('W' must be finite) ..."
  expect_error(predict(fit, newdata = Y[1:3, ] * 1e300), paste(
    "'newdata' \\(largest absolute value .*\\) is too far from the scale",
    "of the training data"))
})

test_that("residuals() refuses a type it does not compute", {
  fit <- small_fit()
  # Before: type = "pearson" was ignored silently
  expect_error(residuals(fit, type = "pearson"),
               "'type' must be \"response\"")
  expect_identical(residuals(fit, type = "response"), residuals(fit))
})

test_that("inducing inputs started far from the latent start are refused", {
  set.seed(244)
  Y <- as.matrix(iris[seq(1, 150, 3), 1:4])
  # Before: convergence code 0 and no warning, with nothing fitted
  expect_error(gplvm(Y, 2, inducing = matrix(1e300, 5, 2)), paste(
    "'inducing' starts rows 1, 2, 3, 4, 5 more than 100 standard",
    "deviations of the starting latent positions outside their range"))
  Z <- rbind(matrix(rnorm(8), 4, 2), c(0, 1e4))
  expect_error(gplvm(Y, 2, inducing = Z), "'inducing' starts row 5 more")
  expect_error(gplvm(Y, 2, bayesian = TRUE, inducing = Z),
               "'inducing' starts row 5 more")
  # inducing inputs among the latent start are taken
  fit <- gplvm(Y, 2, inducing = Z[1:4, ])
  expect_identical(fit$optim$convergence, 0L)
})

test_that("damaged latent maps and latent dimensions are caught", {
  set.seed(245)
  Y <- iris[seq(1, 150, 5), 1:4]
  mlp <- stopped_early(gplvm(Y, 2, back = "mlp", maxit = 20))
  kern <- stopped_early(gplvm(Y, 2, back = "kernel", maxit = 20))
  free <- small_fit()
  # Before: each passed the check and the methods ran on it
  bad <- mlp
  bad$latent$control$hidden <- 50
  expect_error(predict(bad, newdata = Y[1:2, ]), "damaged.*latent")
  bad <- kern
  bad$latent$control$width <- -1
  expect_error(print(bad), "damaged.*latent")
  bad <- free
  bad$X <- bad$X[, 1, drop = FALSE]
  expect_error(fitted(bad), "damaged.*X_init")
  # the intact fits pass
  for (fit in list(mlp, kern, free)) expect_identical(.check_gplvm(fit), fit)
})

test_that("the size limit counts all rows of 'Y', not a pattern's", {
  # Before: with missing entries each missingness pattern was checked on
  # its own, so 46341 rows with one NA in each of two columns (patterns
  # of 46340 rows) passed, and the fit went on to allocate two 16 GB
  # matrices.  In a child process whose address space is limited to 3 GB,
  # so that a regression fails to allocate instead of taking the machine.
  res <- run_child_r(c(
    "n <- 46341",
    "Y <- cbind(seq_len(n) / n, cos(seq_len(n)))",
    "Y[1, 1] <- NA",
    "Y[2, 2] <- NA",
    "X <- matrix(seq_len(n) / n, n, 1)",
    "for (f in list(function() gplvm_loglik(Y, X, kern_rbf(), 0.1),",
    "               function() gplvm(Y, 1, maxit = 1, inducing = NULL))) {",
    "  e <- tryCatch(f(), error = identity)",
    "  cat(class(e)[1], conditionMessage(e), sep = '\\n')",
    "}"), seconds = 120, vmem_kb = 3000000)
  expect_identical(res$status, 0L)
  expect_identical(res$output[c(1, 3)], rep("gplvm_size_error", 2))
  expect_match(res$output[c(2, 4)], "^'Y' has 46341 rows, too many")
})
