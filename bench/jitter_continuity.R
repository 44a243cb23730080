# Is the exact log-likelihood continuous where the stabilisation used to
# switch on?  Value and gradient over fine grids through the former switch
# points, for the build on R_LIBS and, given a second library, for that
# build too (e.g. main before the change), side by side:
#
#   R_LIBS=/tmp/lib-new Rscript bench/jitter_continuity.R [LIB_BEFORE]
#
# Model: 12 points, D = 3, RBF kernel, the first two rows of Y and of the
# latent points duplicated (as in issue 24; a PCA start of data with a
# duplicated row gives that), so that K is singular without noise.
# Grids: (a) log10 noise from -20 to -8, variance 1; (b) log10 kernel
# variance from 0 to 8 at noise 1e-14; (c) the separation t of the two
# points, x_2 = x_1 + t e_1, t from -3e-5 to 3e-5, at noise 1e-17.
# Columns: the value L and its derivative along the grid (dL/dlog noise,
# dL/dlog variance, dL/dt).  Below each table, the continuity check on the
# same range with a 20 times finer grid: per step, the change of L against
# the trapezoid of the derivatives at the step's ends, relative to
# step * max |derivative| or 1e-8 |L| (the rounding of L), whichever is
# larger (about 1e-2 or less where L is continuous and
# its gradient belongs to it; a jump shows as 1 or more).  Warnings of
# added jitter are counted, not printed.
args <- commandArgs(trailingOnly = TRUE)
one <- grep("^--one=", args, value = TRUE)
script <- sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))
# the data: duplicated_case() of the tests
source(file.path(dirname(script), "..", "tests", "testthat",
                 "helper-continuity.R"))

grids <- function(fine = 1) {
  dat <- duplicated_case()
  Y <- dat$Y
  X0 <- dat$X
  jit <- 0L
  ll <- function(X, v, noise) {
    withCallingHandlers(
      gplvm_loglik(Y, X, kern_rbf(v, 1), noise, gradient = TRUE),
      warning = function(w) {
        jit <<- jit + 1L
        invokeRestart("muffleWarning")
      })
  }
  run <- function(t, f) {
    r <- lapply(t, f)
    data.frame(t = t, value = vapply(r, `[[`, 0, 1),
               slope = vapply(r, `[[`, 0, 2))
  }
  out <- list(
    noise = run(seq(-20, -8, by = 0.25 / fine), function(t) {
      l <- ll(X0, 1, 10^t)
      c(l, attr(l, "gradient")$noise * 10^t * log(10))
    }),
    variance = run(seq(0, 8, by = 0.25 / fine), function(t) {
      l <- ll(X0, 10^t, 1e-14)
      c(l, attr(l, "gradient")$kernel[["variance"]] * 10^t * log(10))
    }),
    X = run((-(30 * fine):(30 * fine)) * 1e-6 / fine, function(t) {
      X <- X0
      X[2, 1] <- X0[1, 1] + t
      l <- ll(X, 1, 1e-17)
      c(l, attr(l, "gradient")$X[2, 1])
    }))
  attr(out, "jitter") <- jit
  out
}

# The largest trapezoid error of a grid's steps (see the top).
trap_err <- function(g) {
  h <- diff(g$t)
  s0 <- head(g$slope, -1)
  s1 <- tail(g$slope, -1)
  # rounding of L itself is no jump: near the floor cond(K) reaches about
  # 1e9, and L is computed to about 1e-16 cond(K) of itself
  max(abs(diff(g$value) - h * (s0 + s1) / 2) /
        pmax(h * pmax(abs(s0), abs(s1)), 1e-8 * abs(g$value[-1])))
}

if (length(one)) {
  library(gplvm, lib.loc = sub("^--one=", "", one))
  saveRDS(list(grids(), grids(20)), args[2])
  quit(save = "no")
}

library(gplvm)
options(width = 150)
after <- grids()
after_fine <- grids(20)
before <- NULL
if (length(args)) {
  tmp <- tempfile(fileext = ".rds")
  system2(file.path(R.home("bin"), "Rscript"),
          c(shQuote(script), paste0("--one=", args[1]), tmp))
  both <- readRDS(tmp)
  before <- both[[1]]
  before_fine <- both[[2]]
}
cat("gplvm", format(packageVersion("gplvm")), "from", find.package("gplvm"),
    "\n")
lab <- c(noise = "log10 noise", variance = "log10 variance",
         X = "separation t")
for (nm in names(after)) {
  a <- after[[nm]]
  tab <- data.frame(t = signif(a$t, 4), L = signif(a$value, 10),
                    slope = signif(a$slope, 4))
  if (!is.null(before)) {
    b <- before[[nm]]
    tab$L_before <- signif(b$value, 10)
    tab$slope_before <- signif(b$slope, 4)
  }
  names(tab)[1] <- lab[[nm]]
  cat("\n== grid:", lab[[nm]], "==\n")
  print(tab, row.names = FALSE)
  cat(sprintf("fine grid (%d points): largest trapezoid error %.3g%s\n",
              nrow(after_fine[[nm]]), trap_err(after_fine[[nm]]),
              if (is.null(before)) "" else
                sprintf(" (before: %.3g)", trap_err(before_fine[[nm]]))))
}
cat(sprintf("\nevaluations that added jitter: %d of %d%s\n",
            attr(after, "jitter") + attr(after_fine, "jitter"),
            sum(vapply(c(after, after_fine), nrow, 0L)),
            if (is.null(before)) "" else
              sprintf(" (before: %d)", attr(before, "jitter") +
                        attr(before_fine, "jitter"))))
