# One objective composed of parts (R/data_term.R, R/latent.R): the same
# guards and priors for every model kind, failures told apart by condition
# class, continuation that obeys the arguments given, fitted objects that
# hold data and no functions, and the Bayesian model with missing values.

iris_rows <- function(step = 5) as.matrix(iris[seq(1, 150, step), 1:4])

# TRUE when x (a list, recursively) holds a function or an environment.
holds_closure <- function(x) {
  if (is.function(x) || is.environment(x)) return(TRUE)
  if (is.list(x)) return(any(vapply(x, holds_closure, NA)))
  FALSE
}

# Runs `lines` after library(gplvm) in a new Rscript process with this
# session's library paths; its exit status.
run_in_new_process <- function(lines) {
  script <- tempfile(fileext = ".R")
  writeLines(c("library(gplvm)", lines), script)
  system2(file.path(R.home("bin"), "Rscript"), script,
          env = paste0("R_LIBS=", paste(.libPaths(), collapse = ":")),
          stdout = FALSE, stderr = FALSE)
}

test_that("the noise prior applies to Bayesian fits (issue 22)", {
  # before: fits with noise_prior 0.1 and 50 were identical
  Y <- iris_rows(3)
  fits <- lapply(c(0.1, 50), function(b) {
    set.seed(221)
    stopped_early(gplvm(Y, q = 2, bayesian = TRUE, inducing = 6,
                        noise_prior = b, maxit = 200, prune = FALSE))
  })
  expect_false(isTRUE(all.equal(fits[[1]]$noise, fits[[2]]$noise)))
  vbar <- mean(fits[[1]]$Y^2)
  for (i in 1:2) {
    f <- fits[[i]]
    p <- .log_prior_noise(f$noise, c(0.1, 50)[i] * vbar)$value
    expect_equal(f$logprior_noise, p, tolerance = 1e-12)
    expect_equal(f$objective, f$loglik + p, tolerance = 1e-12)
  }
  # a strong prior pulls the noise up
  expect_gt(fits[[2]]$noise, fits[[1]]$noise)
})

test_that("Bayesian fits get the start guards (issue 22)", {
  Y <- iris_rows(5)
  # .start_hyper: a noise 1e-20 is moved up, with a message
  expect_message(stopped_early(gplvm(Y, q = 2, bayesian = TRUE,
                                     inducing = 5, noise = 1e-20,
                                     maxit = 5)),
                 "noise.*below.*starting at")
  # .check_latent_start: means 1e8 lengthscales apart are refused
  X0 <- 1e8 * .init_latent("pca", scale(Y, scale = FALSE), 2L, 1)
  expect_error(gplvm(Y, q = 2, bayesian = TRUE, inducing = 5, init = X0),
               "'init' starts the latent positions")
  # .stop_duplicates: repeated rows with no noise prior are refused
  Yd <- rbind(Y, Y[1:2, ])
  expect_error(gplvm(Yd, q = 2, bayesian = TRUE, inducing = 5,
                     noise_prior = 0), "duplicated rows")
})

test_that("scale parameters come from the kernel table, not their names", {
  # before: kern_mlp()'s weight_variance was clamped as if it were a scale
  k <- kern_mlp(variance = 1, weight_variance = 1, bias_variance = 1)
  expect_identical(.scale_params(k), c(TRUE, FALSE, FALSE))
  expect_identical(.scale_params(kern_linear(c(1, 2)) + kern_rbf() +
                                   kern_white(0.1)),
                   c(FALSE, FALSE, TRUE, FALSE, TRUE))
  vbar <- 1e-10
  expect_message(s <- .start_hyper(k, 1e-11, character(), vbar),
                 "starting variance is more than 1e6")
  expect_equal(kern_params(s$kernel)[["weight_variance"]], 1)
  expect_equal(kern_params(s$kernel)[["bias_variance"]], 1)
  expect_equal(kern_params(s$kernel)[["variance"]], 1e6 * vbar)
})

test_that("numerical failures are told apart by class, in any language", {
  old <- Sys.getenv("LANGUAGE", unset = NA)
  on.exit(if (is.na(old)) Sys.unsetenv("LANGUAGE")
          else Sys.setenv(LANGUAGE = old))
  Sys.setenv(LANGUAGE = "de")
  oom <- tryCatch(numeric(1e15), error = identity)
  # before: only the English text was recognised, so this was swallowed
  expect_error(.stop_unless_numerical(oom), class = "gplvm_stop")
  limit <- simpleError("reached elapsed time limit")
  expect_error(.stop_unless_numerical(limit), "time limit")
  num <- tryCatch(.stop_numerical("overflow"), error = identity)
  expect_s3_class(num, "gplvm_numerical_error")
  expect_null(.stop_unless_numerical(num))
  # a failed C evaluation is a numerical error
  Y <- matrix(c(1, 2, 3, 1, 2, 3), 3)
  X <- matrix(c(0, 0, 0), 3)
  err <- tryCatch(.loglik_c(Y, X, kern_rbf(1e308, 1), 1e308, FALSE),
                  error = identity)
  expect_s3_class(err, "gplvm_numerical_error")
})

test_that("only numerical failures are blamed on the starting values", {
  fake <- function(e) list(eval = function(par) stop(e))
  num <- structure(class = c("gplvm_numerical_error", "error", "condition"),
                   list(message = "not positive definite", call = NULL))
  expect_error(.start_eval(fake(num), 0),
               "cannot be evaluated at the starting values \\(not positive")
  # before: each of these was wrapped as a fault of 'kernel', 'noise' or
  # 'init'
  for (e in list(simpleError("cannot allocate 1496 MB of workspace"),
                 structure(class = c("gplvm_cluster_error", "error",
                                     "condition"),
                           list(message = "worker 2 failed", call = NULL)))) {
    got <- tryCatch(.start_eval(fake(e), 0), error = identity)
    expect_identical(conditionMessage(got), conditionMessage(e))
  }
  Y <- iris_rows(5)
  old <- options(gplvm.threads = -3)
  on.exit(options(old))
  got <- tryCatch(gplvm(Y, q = 2), error = identity)
  expect_match(conditionMessage(got), "option 'gplvm.threads'")
  expect_no_match(conditionMessage(got), "starting values")
  options(old)
  set.seed(222)
  big <- matrix(rnorm(2 * 46341), ncol = 2)
  got <- tryCatch(gplvm(big, q = 1, maxit = 1, inducing = NULL),
                  error = identity)
  expect_match(conditionMessage(got), "too many for the exact model")
  expect_no_match(conditionMessage(got), "starting values")
  # with missing values: Y's row count, though no pattern has that many
  big[1, 1] <- big[2, 2] <- NA
  expect_error(gplvm(big, q = 1, maxit = 1, inducing = NULL),
               "'Y' has 46341 rows, too many for the exact model")
})

test_that("init = fit obeys the arguments given, and only its own data", {
  set.seed(223)
  Y <- iris_rows(5)
  sparse <- stopped_early(gplvm(Y, q = 2, inducing = 5, maxit = 50))
  # before: inducing = NULL was taken for "not given" and the fit stayed
  # sparse
  exact <- gplvm(Y, init = sparse, inducing = NULL)
  expect_null(exact$inducing)
  expect_identical(exact$optim$convergence, 0L)
  expect_equal(exact$X_init, sparse$X, ignore_attr = TRUE)
  expect_equal(exact$loglik, c(gplvm_loglik(exact$Y, exact$X, exact$kernel,
                                            exact$noise)),
               tolerance = 1e-10)
  # before: bayesian = FALSE gave a sparse fit with the Bayesian kernel
  bayes <- stopped_early(gplvm(Y, q = 2, bayesian = TRUE, inducing = 5,
                               maxit = 50, prune = FALSE))
  expect_error(gplvm(Y, init = bayes, bayesian = FALSE),
               "'bayesian' is FALSE, but 'init' is a Bayesian fit")
  # before: a fit of other data of the same shape was continued
  expect_error(gplvm(Y + 1e-3, init = exact), "'init' is a fit of other data")
  expect_error(gplvm(Y[, 4:1], init = exact), "'init' is a fit of other data")
  # the same data, scaled by the fit itself, is its own
  sc <- stopped_early(gplvm(Y, q = 2, scale = TRUE, maxit = 30))
  expect_silent(stopped_early(gplvm(Y, init = sc, maxit = 5)))
})

test_that("saved fits hold no functions, and predict and continue alike", {
  set.seed(224)
  Y <- iris_rows(5)
  Ym <- Y
  Ym[c(3, 17, 40)] <- NA
  t <- seq(0, 2 * pi, length.out = 30)
  fits <- stopped_early(list(
    exact = gplvm(Y, q = 2, maxit = 30),
    sparse = gplvm(Y, q = 2, inducing = 5, maxit = 30),
    bayes = gplvm(Y, q = 2, bayesian = TRUE, inducing = 5, maxit = 30,
                  prune = FALSE),
    kernel = gplvm(Y, q = 2, back = "kernel", maxit = 30),
    mlp = gplvm(Y, q = 2, back = "mlp", maxit = 30),
    dynamics = gplvm(cbind(cos(t), sin(t), cos(t)^2), q = 2,
                     dynamics = TRUE, maxit = 30),
    missing = gplvm(Ym, q = 2, maxit = 30)))
  for (nm in names(fits)) {
    expect_false(holds_closure(unclass(fits[[nm]])), label = nm)
  }
  # a back-constrained fit holds no more than the map's weights and the
  # data it needs beyond a free fit
  expect_lt(as.numeric(object.size(fits$kernel)),
            as.numeric(object.size(fits$exact)) +
              8 * (length(fits$kernel$latent$par) + nrow(Y) * 2 + 100) + 2000)
  file <- tempfile(fileext = ".rds")
  out <- tempfile(fileext = ".rds")
  saveRDS(fits, file)
  # what predict gives, and the objective of a continuation by 3
  # iterations (from the fit's own data, its centring undone)
  results <- function(fits) {
    nd <- iris[c(2, 80, 140), 1:4]
    nl <- matrix(c(0.1, -0.2, 0.5, 0.3), 2)
    lapply(fits, function(f) {
      again <- withCallingHandlers(
        gplvm(gplvm:::.unscale(f, f$Y), init = f, maxit = 3),
        warning = function(w) {
          if (grepl("did not converge", conditionMessage(w))) {
            invokeRestart("muffleWarning")
          }
        })
      list(latent = predict(f, newlatent = nl, se.fit = TRUE),
           data = if (!inherits(f, "bgplvm") && ncol(f$Y) == 4L) {
             predict(f, newdata = nd)
           },
           continued = again$objective)
    })
  }
  here <- results(fits)
  expect_identical(run_in_new_process(c(
    paste("results <-", paste(deparse(results), collapse = "\n")),
    sprintf("saveRDS(results(readRDS('%s')), '%s')", file, out))), 0L)
  expect_equal(readRDS(out), here, tolerance = 1e-12)
})

test_that("the Bayesian bound with missing values is a sum over patterns", {
  set.seed(225)
  Y <- scale(iris_rows(5), scale = FALSE)
  Y[c(2, 9, 35, 70, 100)] <- NA
  n <- nrow(Y)
  X <- matrix(rnorm(2 * n), n)
  S <- matrix(runif(2 * n, 0.1, 0.5), n)
  Z <- matrix(rnorm(10), 5)
  k <- kern_rbf(1.2, c(0.8, 1.5)) + kern_bias(0.1)
  kl <- function(rows) 0.5 * sum(X[rows, ]^2 + S[rows, ] - log(S[rows, ]) - 1)
  # reference: each column on its observed rows, with the KL of q(X) once
  ref <- sum(vapply(seq_len(ncol(Y)), function(d) {
    o <- !is.na(Y[, d])
    c(gplvm_loglik(Y[o, d, drop = FALSE], X[o, ], k, 0.1, inducing = Z,
                   X_var = S[o, ])) + kl(o)
  }, 0)) - kl(seq_len(n))
  got <- gplvm_loglik(Y, X, k, 0.1, gradient = TRUE, inducing = Z, X_var = S)
  expect_equal(c(got), ref, tolerance = 1e-10)
  # the composed objective's gradient against central differences
  miss <- .missing_patterns(Y)
  obj <- .gplvm_objective(Y, k, 0.1, character(), .prior_kl(), 2L,
                          missing = miss, data = .data_bayes(5L),
                          noise_prior = 0.05)
  par <- obj$par(X, Z, k, 0.1, S0 = S)
  err <- rel_err(obj$gr(par), fd_gradient(obj$fn, par))
  message(sprintf("Bayesian x missing: composed gradient error %.2g", err))
  expect_lt(err, 1e-6)
  expect_equal(obj$eval(par)$loglik, c(got), tolerance = 1e-10)
})

test_that("a Bayesian fit with missing values converges and imputes", {
  set.seed(226)
  Y <- iris_rows(3)
  holes <- sample(length(Y), 15)
  Y[holes] <- NA
  fit <- expect_silent(gplvm(Y, q = 2, bayesian = TRUE, inducing = 8))
  expect_s3_class(fit, "bgplvm")
  expect_identical(fit$optim$convergence, 0L)
  message(sprintf("Bayesian x missing fit: %d evaluations",
                  fit$optim$evaluations))
  expect_equal(c(gplvm_loglik(fit$Y, fit$X, fit$kernel, fit$noise,
                              inducing = fit$inducing, X_var = fit$X_var)),
               fit$loglik, tolerance = 1e-10)
  # q(x*) of new rows, with a missing entry, from the per-pattern bound
  nd <- as.matrix(iris[c(2, 80, 140), 1:4])
  nd[1, 2] <- NA
  p <- predict(fit, newdata = nd)
  expect_true(all(is.finite(p)) && all(attr(p, "X_var") > 0))
  imp <- gplvm_impute(fit)
  expect_false(anyNA(imp$Y))
  expect_true(all(imp$sd[holes] > 0))
  truth <- as.matrix(iris[seq(1, 150, 3), 1:4])[holes]
  # imputation beats the column means
  means <- colMeans(Y, na.rm = TRUE)[col(Y)[holes]]
  expect_lt(sum((imp$Y[holes] - truth)^2), sum((means - truth)^2))
})

test_that("one table decides which parts combine, and says why", {
  # every refused pair is refused with its reason, by the one check
  for (i in seq_len(nrow(.incompatible))) {
    r <- .incompatible[i, ]
    expect_error(.check_combination(c(r$a, r$b)),
                 paste0("cannot be combined: ", r$why), fixed = TRUE)
  }
  expect_true(all(c(.incompatible$a, .incompatible$b) %in%
                    names(.part_labels)))
  # pairs the table does not list pass
  for (p in list(c("bayesian", "missing"), c("back_kernel", "missing"),
                 c("back_mlp", "missing"), c("vfe", "cluster"),
                 c("missing", "cluster"), c("bayesian", "cluster"),
                 c("bayesian", "back_mlp"), c("dynamics", "missing"))) {
    expect_identical(.check_combination(p), p)
  }
  Y <- iris_rows(5)
  expect_error(gplvm(Y, bayesian = TRUE, dynamics = TRUE),
               "'dynamics' and 'bayesian' = TRUE")
  expect_error(gplvm(Y, inducing = 5, approx = "dtc", batch_size = 10),
               "'batch_size' and 'approx' = \"dtc\"")
})

# Back-constraints with missing values: the map reads the data after
# rank-q SVD imputation; the data term is evaluated per pattern.
test_that("back-constraints with missing values: gradient, converged fit", {
  set.seed(227)
  Y <- iris_rows(5)
  Y[c(4, 20, 33, 61, 90, 111)] <- NA
  Yc <- sweep(Y, 2L, colMeans(Y, na.rm = TRUE))
  miss <- .missing_patterns(Yc)
  Yimp <- .svd_impute(Yc, 2L)
  for (kind in c("kernel", "mlp")) {
    map <- .back_map(kind, Yimp, 2L, list(hidden = 3L)[kind == "mlp"])
    obj <- .gplvm_objective(Yc, kern_rbf(1.1, 0.9), 0.1, character(), TRUE,
                            2L, missing = miss, latent = map,
                            noise_prior = 0.05)
    par <- c(map$start(.init_latent("pca", Yimp, 2L, 1)) +
               rnorm(map$npar, sd = 0.05), log(c(1.1, 0.9)), log(0.1))
    err <- rel_err(obj$gr(par), fd_gradient(obj$fn, par))
    message(sprintf("back %s x missing: composed gradient error %.2g", kind,
                    err))
    expect_lt(err, 1e-6)
    fit <- expect_silent(gplvm(Y, q = 2, back = kind))
    expect_identical(fit$optim$convergence, 0L)
    message(sprintf("back %s x missing fit: %d evaluations", kind,
                    fit$optim$evaluations))
    # the latent positions are the map of the imputed data
    expect_equal(predict(fit, newdata = .unscale(fit, Yimp)), fit$X,
                 tolerance = 1e-8)
    expect_equal(c(gplvm_loglik(fit$Y, fit$X, fit$kernel, fit$noise)),
                 fit$loglik, tolerance = 1e-10)
  }
})

test_that("the scale message gives the largest observed value (issue 24)", {
  Y <- iris_rows(5)
  Y[1, 1] <- NA
  Y[2, 2] <- 1e200
  # before: "(largest absolute value NA)"
  expect_error(gplvm(Y, q = 2), "largest absolute value 1e\\+200")
})

test_that("a damaged data term or mapping is caught (issue 24)", {
  set.seed(228)
  Y <- iris_rows(5)
  mlp <- stopped_early(gplvm(Y, q = 2, back = "mlp", maxit = 20))
  # before: these edits passed the damaged-fit check
  bad <- mlp
  bad$latent$control$hidden <- 50
  expect_error(predict(bad, newdata = Y[1:2, ]), "invalid latent")
  ker <- stopped_early(gplvm(Y, q = 2, back = "kernel", maxit = 20))
  bad <- ker
  bad$latent$control$width <- -1
  expect_error(predict(bad, newdata = Y[1:2, ]), "invalid latent")
  bad <- ker
  bad$data_term <- .data_sparse("vfe", 5L)
  expect_error(fitted(bad), "invalid data_term")
  bad$data_term <- "exact"
  expect_error(fitted(bad), "invalid data_term")
})

test_that("a noise prior beyond the data's scale is refused (issue 24)", {
  Y <- iris_rows(5)
  # before: accepted, and the optimiser stopped with code 99
  expect_error(gplvm(Y, noise_prior = 1e300), "'noise_prior'.*and 1e6")
  expect_error(gplvm(Y, noise_prior = 2e6), "'noise_prior'.*and 1e6")
  expect_error(gplvm(Y, noise_prior = 2e6, bayesian = TRUE),
               "'noise_prior'.*and 1e6")
})

test_that("non-Gaussian, FITC and minibatch fits hold no functions and reload alike", {
  set.seed(226)
  Y <- iris_rows(3)
  B <- (Y > rep(colMeans(Y), each = nrow(Y))) * 1
  fits <- stopped_early(list(
    fitc = gplvm(Y, q = 2, inducing = 5, approx = "fitc", maxit = 30),
    bernoulli = gplvm(B, q = 2, likelihood = "bernoulli", inducing = 5,
                      maxit = 30),
    minibatch = gplvm(Y, q = 2, inducing = 5, batch_size = 10, epochs = 3),
    minibatch_bayes = gplvm(Y, q = 2, bayesian = TRUE, inducing = 5,
                            batch_size = 10, epochs = 3, prune = FALSE)))
  for (nm in names(fits)) {
    expect_false(holds_closure(unclass(fits[[nm]])), label = nm)
  }
  file <- tempfile(fileext = ".rds")
  out <- tempfile(fileext = ".rds")
  saveRDS(fits, file)
  nl <- matrix(c(0.1, -0.2, 0.5, 0.3), 2)
  here <- lapply(fits, function(f) predict(f, newlatent = nl))
  expect_identical(run_in_new_process(
    sprintf(paste("saveRDS(lapply(readRDS('%s'), predict,",
                  "newlatent = matrix(c(0.1, -0.2, 0.5, 0.3), 2)), '%s')"),
            file, out)), 0L)
  expect_equal(readRDS(out), here, tolerance = 1e-12)
})
