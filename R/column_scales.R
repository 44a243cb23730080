# Columns on very different scales: with scale = FALSE (the default, as in
# prcomp()) the columns of largest variance dominate the kernel and the
# noise, and the others are fitted as noise (bench/scale_default.out:
# unscaled state.x77, whose column standard deviations are 140000 times
# apart, ends at a kernel variance of 5.0e9 after 203 evaluations; scaled,
# at 1.5 after 176).

# Standard deviations further apart than this factor draw a warning.
.scale_ratio_limit <- 100

# Warn when the column standard deviations of Y (NA entries left out,
# constant columns ignored) differ by more than .scale_ratio_limit.
.warn_column_scales <- function(Y) {
  s <- apply(Y, 2L, stats::sd, na.rm = TRUE)
  names(s) <- colnames(Y) %||% paste("column", seq_len(ncol(Y)))
  s <- s[is.finite(s) & s > 0]
  if (length(s) < 2L || max(s) <= .scale_ratio_limit * min(s)) {
    return(invisible())
  }
  hi <- which.max(s)
  lo <- which.min(s)
  warning(sprintf(paste("the columns of 'Y' differ in scale by a factor of",
                        "%.3g (sd of %s %.3g, of %s %.3g): give",
                        "scale = TRUE to fit them on one scale, or",
                        "scale = FALSE to keep them as they are"),
                  s[[hi]] / s[[lo]], names(s)[hi], s[[hi]], names(s)[lo],
                  s[[lo]]), call. = FALSE)
}
