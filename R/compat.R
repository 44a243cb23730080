#' Which model parts combine
#'
#' A fit of [gplvm()] is composed of parts: a data term (the exact
#' likelihood, a sparse approximation with `inducing` and `approx`, or the
#' Bayesian bound with `bayesian = TRUE`), a latent parameterisation
#' (free positions, or `back = "kernel"` or `"mlp"`), a latent term (none,
#' `prior = TRUE`, `dynamics`, or the Bayesian model's KL term), data with
#' missing entries, and the way it is evaluated and optimised (one
#' process, a `cluster`, or minibatches with `batch_size`).  Every pair of
#' these works except the pairs in the table below; asking for one of them
#' is an error that names the pair and gives the reason shown here.
#'
#' With missing values a back-constraint maps the data after rank-`q`
#' SVD imputation of the missing entries (the imputation that starts the
#' latent positions); new rows given to `predict()` must be complete.
#' @eval .compat_rd()
#' @seealso [gplvm()]
#' @name gplvm-combinations
NULL

# The table above as data: one row per pair of parts that does not
# combine, with the reason; .check_combination() reads it.  A part's
# name is one of .part_labels' names.
.incompatible <- data.frame(
  a = c("nongaussian", "nongaussian", "nongaussian", "cluster", "cluster",
        "batch_size", "batch_size", "batch_size", "batch_size",
        "dynamics"),
  b = c("bayesian", "fitc", "dtc",
        "exact", "batch_size",
        "exact", "fitc", "dtc", "dynamics",
        "bayesian"),
  why = c(paste("the non-Gaussian bound has point latent positions; a",
                "variational q(X) for it is not written yet"),
          "the non-Gaussian bound is the variational (VFE) one",
          "the non-Gaussian bound is the variational (VFE) one",
          "the exact likelihood is not a sum over rows (give 'inducing')",
          "minibatch training runs in one process",
          paste("minibatch training optimises the uncollapsed sparse",
                "bound (give 'inducing', e.g. gplvm(Y, inducing = 100,",
                "batch_size = 500))"),
          "the uncollapsed bound is the variational (VFE) one",
          "the uncollapsed bound is the variational (VFE) one",
          "the dynamics prior couples all the rows",
          paste("the Bayesian bound's KL term is that of the unit Gaussian",
                "prior on X, and GP dynamics need a variational dynamics",
                "term; give 'dynamics' with 'bayesian = FALSE', or 'back'",
                "with 'bayesian = TRUE'")),
  stringsAsFactors = FALSE)

# How each part is named in messages: the argument that asks for it.
.part_labels <- c(
  exact = "the exact model (no 'inducing')",
  vfe = "'approx' = \"vfe\"", fitc = "'approx' = \"fitc\" (FITC)",
  dtc = "'approx' = \"dtc\"",
  bayesian = "'bayesian' = TRUE (the Bayesian GP-LVM)",
  back_kernel = "'back' = \"kernel\"", back_mlp = "'back' = \"mlp\"",
  dynamics = "'dynamics'", missing = "'Y' with NA entries",
  batch_size = "'batch_size'", cluster = "'cluster'",
  nongaussian = "'likelihood' other than \"gaussian\"")

# The parts a call of gplvm() asks for (names of .part_labels).
.parts_used <- function(inducing, approx, bayesian, back, dynamics, miss,
                        batch_size, cluster, likelihood = "gaussian") {
  data <- if (bayesian) "bayesian" else if (is.null(inducing)) "exact"
          else approx
  c(data, if (back != "none") paste0("back_", back),
    if (!is.null(dynamics) && !isFALSE(dynamics)) "dynamics",
    if (!is.null(miss)) "missing",
    if (!is.null(batch_size)) "batch_size",
    if (!is.null(cluster)) "cluster",
    if (likelihood != "gaussian") "nongaussian")
}

# The table as roxygen lines for ?gplvm-combinations (@eval): the labels
# and reasons the errors give.
.compat_rd <- function() {
  cell <- function(x) gsub("|", "\\|", x, fixed = TRUE)
  c("@details", "| Part | Part | Why not |", "|---|---|---|",
    sprintf("| %s | %s | %s |", cell(.part_labels[.incompatible$a]),
            cell(.part_labels[.incompatible$b]), cell(.incompatible$why)),
    "")
}

# The one check of the table: stops at the first pair of `parts` that is
# in .incompatible, naming both and the reason.
.check_combination <- function(parts) {
  bad <- which(.incompatible$a %in% parts & .incompatible$b %in% parts)
  if (!length(bad)) return(invisible(parts))
  r <- .incompatible[bad[1L], ]
  stop(sprintf("%s and %s cannot be combined: %s (see ?gplvm-combinations)",
               .part_labels[[r$a]], .part_labels[[r$b]], r$why),
       call. = FALSE)
}
