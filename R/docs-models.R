#' The models gplvm() fits, and how they combine
#'
#' [gplvm()] maximises one objective built from independent parts: a data
#' term (how `Y` is explained given the latent inputs), a latent term (what
#' prior the latent inputs have) and priors on the hyperparameters.  Its
#' arguments choose the parts:
#' \itemize{
#'   \item the data term: the exact GP likelihood (the default), a sparse
#'     approximation with M inducing inputs (`inducing`, `approx`), or the
#'     variational bound of the Bayesian GP-LVM (`bayesian = TRUE`), where
#'     each latent point is a distribution; any of them with missing
#'     entries in `Y`;
#'   \item the latent parameterisation: free positions, or a mapping of the
#'     data (`back`);
#'   \item the latent term: none (the default), a unit Gaussian prior
#'     (`prior = TRUE`), GP dynamics over time-ordered rows (`dynamics`),
#'     or, for the Bayesian model, the KL divergence from the unit Gaussian.
#' }
#' The sections below give each part exactly, in the order a fit meets
#' them.  Which combinations work, and why the others do not, is tabulated
#' in [gplvm-combinations].
#'
#' @section The objective:
#' With \eqn{Y} the centred (and, with `scale = TRUE`, scaled) data, N by
#' D, \eqn{K = k(X, X) + \sigma^2 I}{K = k(X, X) + s2 I} and \eqn{\bar v}{v}
#' the mean column variance of \eqn{Y} (`sum(Y^2) / (N D)`), `gplvm()`
#' maximises
#' \deqn{\log p(Y \mid X, \theta, \sigma^2) + [\mathrm{prior}]\,\log N(X \mid 0, I) + [b > 0]\,\log \mathrm{IG}(\sigma^2 \mid 1, b)}{log p(Y | X, theta, s2) + 1(prior) log N(X | 0, I) + 1(b > 0) log IG(s2 | 1, b)}
#' where
#' \itemize{
#'   \item \eqn{\log p(Y \mid X, \theta, \sigma^2) = -\frac{ND}{2}\log 2\pi - \frac{D}{2}\log|K| - \frac12\mathrm{tr}(K^{-1} Y Y^\top)}{log p(Y | X, theta, s2) = -N D/2 log(2 pi) - D/2 log|K| - 1/2 tr(K^-1 Y Y')}
#'     is the log-likelihood (`loglik`; for a sparse fit the bound or
#'     approximation of [gplvm_loglik()]);
#'   \item \eqn{\log N(X \mid 0, I) = -\frac{Nq}{2}\log 2\pi - \frac12 \|X\|_F^2}{log N(X | 0, I) = -N q/2 log(2 pi) - |X|^2/2}
#'     is the unit Gaussian prior on the latent positions of Lawrence
#'     (2005), included when `prior = TRUE` (`logprior`);
#'   \item \eqn{\log \mathrm{IG}(\sigma^2 \mid 1, b) = \log b - 2\log\sigma^2 - b/\sigma^2}{log IG(s2 | 1, b) = log b - 2 log s2 - b / s2},
#'     \eqn{b = } `noise_prior` \eqn{\times \bar v}{* v}, is an
#'     inverse-gamma prior (shape 1, scale \eqn{b}) on the noise variance,
#'     included when `noise_prior > 0` (`logprior_noise`).  It keeps the
#'     noise away from 0, where the likelihood of data with repeated rows
#'     grows without bound.  With the default `noise_prior = 0.1` its
#'     pull on \eqn{\log\sigma^2}{log s2} is \eqn{b/\sigma^2 - 2}{b / s2 - 2},
#'     small against the likelihood's \eqn{ND/2}{N D / 2} unless the noise
#'     falls far below \eqn{b}: on the oil flow data it moves the fitted
#'     noise by well under 1%.
#' }
#' No other term enters: the kernel hyperparameters have flat priors on
#' the log scale.  The value is `objective` in the fit.  With `dynamics`
#' the prior on \eqn{X} is the GP dynamics of the section below instead.
#'
#' By default (`kernel = NULL`) the kernel is an RBF with one lengthscale,
#' **fixed at 1**, and there is no prior on `X`.  The
#' lengthscale then sets the unit of the latent space: latent distances are
#' measured in lengthscales.  Without this, the objective has no maximiser:
#' with a prior on `X` and a free lengthscale, scaling `X` and the
#' lengthscale down together leaves the likelihood unchanged and raises the
#' prior, so the fit shrinks for as long as the optimiser runs; without a
#' prior, the same scaling changes nothing and only the product is defined.
#' (With the default kernel and no prior, fixing the lengthscale at 1 loses
#' nothing: for any fit with lengthscale \eqn{l} the fit with \eqn{X / l}
#' and lengthscale 1 has the same likelihood.)  The measurements behind
#' this choice are in the package's `bench/converge.md`.  A kernel of your
#' own is used as given, with every parameter free unless named in `fixed`:
#' give an ARD or free lengthscale together with `prior = TRUE` and the
#' objective again has no maximiser.
#'
#' @section Starting values:
#' The columns of `Y` are centred (and scaled to unit variance when
#' `scale = TRUE`); `X` starts from the first `q` principal component
#' scores, each rescaled to standard deviation `init_sd` (1: one
#' lengthscale); the default kernel starts at variance \eqn{\bar v}{v}, the
#' noise at \eqn{0.1 \bar v}{0.1 v}.  (A bias kernel is not part of the
#' default: on centred data its variance tends to 0, a boundary without a
#' maximiser.)
#' Starting values that the optimiser cannot move from are handled before
#' the fit: a free kernel variance, bias or white variance, or noise more
#' than \eqn{10^6} times below or above \eqn{\bar v}{v} is moved to that
#' bound with a message; starting latent positions whose spread is below
#' \eqn{10^{-4}} or above \eqn{10^3} lengthscales, or a start at which the
#' model cannot be evaluated, is refused with an error naming the argument
#' to change.  Exact duplicate rows of `Y` are fitted (the noise prior keeps
#' the noise away from 0); with `noise_prior = 0` and a free noise they are
#' refused with an error naming the rows.
#'
#' @section Sparse fits:
#' With `inducing` the sparse GP-LVM is fitted instead: M inducing inputs
#' \eqn{Z} (M by `q`) are optimised with everything else, and the
#' log-likelihood term is the sparse approximation `approx` of
#' [gplvm_loglik()] (by default the variational lower bound of Titsias,
#' 2009), which costs \eqn{O(N M^2)}{O(N M^2)} per evaluation instead of
#' \eqn{O(N^3)}{O(N^3)}.
#' A number M starts \eqn{Z} at the centres of [stats::kmeans()] clusters
#' of the starting latent positions (at the starting positions themselves
#' when M = N, at a random subset of them if k-means fails); a matrix is used
#' as given.  Predictions, fitted values and the plot of a sparse fit use the
#' sparse posterior (for `"vfe"` and `"dtc"` the same); `loglik` is then the
#' bound (VFE) or the approximate log-likelihood (FITC, DTC).
#'
#' @section Missing values:
#' `Y` may have missing entries (`NA` or `NaN`).  The log-likelihood is then
#' a sum over columns, each column's marginal likelihood on the rows where
#' it is observed, \eqn{\sum_d \log N(y_{O_d, d} \mid 0, K_{O_d O_d})}{sum_d
#' log N(y[O_d, d] | 0, K[O_d, O_d])}.  Columns observed on the same rows
#' (one missingness pattern) share a covariance, so each evaluation
#' factorises it once per distinct pattern: the exact model costs the
#' number of patterns times \eqn{O(N^3)}{O(N^3)} (a warning suggests the
#' sparse model when there are more than 10 patterns), the sparse model the
#' number of patterns times \eqn{O(N M^2)}{O(N M^2)}.  Centring and scaling
#' use the observed entries of each column; `X` starts from the principal
#' components of the data after iterative rank-`q` SVD imputation.  A row
#' with every entry missing, or a column with fewer than two observed
#' entries, is refused.  [fitted.gplvm()] fills every entry with its
#' posterior mean, [gplvm_impute()] returns the imputed entries with their
#' predictive standard deviations, and `predict(fit, newdata =)` accepts
#' new rows with `NA` entries.  Without missing entries none of this
#' changes the computation.
#'
#' @section Back-constraints:
#' The GP-LVM keeps points that are far apart in data space apart in the
#' latent space, but nothing keeps close points close.  With `back` the
#' latent positions are a smooth function of the data, \eqn{X = g(Y; W)}{X
#' = g(Y; W)} (Lawrence and Quinonero-Candela, 2006), so rows that are close
#' in data space (centred, and scaled with `scale = TRUE`, as the model sees
#' it) stay close; the optimiser works on the weights \eqn{W}{W} through
#' the chain rule from the gradient in \eqn{X}{X}.  It works for the exact,
#' the sparse and the Bayesian model (below), and for data with missing
#' entries, whose mapping reads the data after rank-`q` SVD imputation
#' (see [gplvm-combinations]).
#' \itemize{
#'   \item `"kernel"`: \eqn{X = K_y A}{X = Ky A} with
#'     \eqn{K_y}{Ky} the RBF kernel matrix
#'     \eqn{\exp(-|y_i - y_j|^2 / (2 w^2))}{exp(-|y_i - y_j|^2 / (2 w^2))}
#'     of the rows, \eqn{w}{w} the `width` (by default the median distance
#'     between rows).  \eqn{K_y}{Ky} has full rank, so a free \eqn{A}{A}
#'     could give any \eqn{X}{X}; \eqn{A}{A} is restricted to
#'     \eqn{U S^{-1/2} B}{U S^-1/2 B} with \eqn{U, S}{U, S} the
#'     eigenvectors and eigenvalues of \eqn{K_y}{Ky} above \eqn{10^{-6}}{1e-6}
#'     times the largest (their number is the `rank` that `print` shows),
#'     and \eqn{B}{B} is optimised: \eqn{X}{X} lies in the span of the
#'     leading eigenvectors, the functions of the data that are smooth at
#'     this width.  The start is the least-squares fit of \eqn{B}{B} to the
#'     PCA (or given) start.
#'   \item `"mlp"`: \eqn{X = \tanh(Y W_1 + b_1) W_2 + b_2}{X = tanh(Y W1 +
#'     b1) W2 + b2} with `hidden` tanh units.  The start draws
#'     \eqn{W_1}{W1} at random (standard deviation \eqn{1/\sqrt{D \bar
#'     v}}{1 / sqrt(D v)}), fits \eqn{W_2, b_2}{W2, b2} by least squares to
#'     the PCA (or given) start and then all the weights to it by up to 500
#'     L-BFGS-B iterations.
#' }
#' `predict(fit, newdata = )` applies the mapping to new rows, with no
#' optimisation (see [predict.gplvm()]); `fit$latent` holds the mapping,
#' with its fitted weights in `par` and its settings in `control`, and a
#' fit continued with `init = fit` continues from these weights.  `df`
#' counts the mapping's weights instead of the latent coordinates.
#'
#' With `bayesian = TRUE` the mapping gives the means of
#' \eqn{q(X)}{q(X)}, \eqn{\mu = g(Y; W)}{mu = g(Y; W)}, while each
#' point's variances \eqn{S_n}{S_n} stay free (on the log scale).  The bound and its KL term are unchanged; the optimiser works on
#' \eqn{W}{W}, \eqn{\log S}{log S}, the inducing inputs, the kernel and
#' the noise, the gradient in \eqn{W}{W} being the chain rule from the
#' gradient in \eqn{\mu}{mu}.  The start, the warm-up phase, continuation
#' and restarts are those of the Bayesian GP-LVM, the mapping's weights
#' fitted to the starting means as above; `prune` switches a dimension
#' off by setting the mapping's output in it to 0 (the last layer's weights
#' for it).  `predict(fit, newdata = )` then
#' gives the mapped means and optimises only the new variances (see
#' [bgplvm-methods]).
#' @section Bayesian GP-LVM:
#' With `bayesian = TRUE` the latent positions are integrated out under
#' \eqn{q(X) = \prod_n N(\mu_n, \mathrm{diag}(S_n))}{q(X) = prod_n N(mu_n, diag(S_n))}
#' and the variational lower bound \eqn{F} of Titsias and Lawrence (2010)
#' on \eqn{\log p(Y)}{log p(Y)} (see [gplvm_loglik()]; it contains the KL
#' divergence of \eqn{q(X)} from the unit Gaussian prior, so `prior` is
#' ignored), plus the noise prior of `noise_prior`, is maximised over the
#' means \eqn{\mu}{mu}, the variances
#' \eqn{S}{S} (on the log scale), the M inducing inputs, the kernel
#' parameters and the noise.  The default kernel is an RBF with one
#' lengthscale per latent dimension (ARD) plus a bias; the lengthscales of
#' the dimensions the data do not need grow, which switches them off, so
#' `q` can be chosen generously.  Start: the means are the first `q`
#' principal component scores, each scaled to standard deviation 1, the
#' variances 0.1 (`init_sd` is ignored), the inducing inputs k-means
#' centres of the means, the ARD lengthscales \eqn{1/\sqrt{f_q}}{1/sqrt(f_q)}
#' where \eqn{f_q}{f_q} is the variance of the q-th principal component
#' relative to the first's, the RBF variance the mean column variance
#' \eqn{\bar v}{vbar}, the bias \eqn{0.1 \bar v}{0.1 vbar} and the noise
#' \eqn{0.01 \bar v}{0.01 vbar}.  With the default kernel and
#' `fixed = NULL` the RBF variance is held at \eqn{\bar v}{vbar}
#' (`fixed = "rbf.variance"`; give `fixed = character()` to free it):
#' left free, on the oil flow data it grew to 400--1400 times
#' \eqn{\bar v}{vbar}, where the bound can be computed only to about one
#' unit and the optimiser stalls (the package's `bench/bayes.md`).  The
#' first 100 evaluations optimise
#' \eqn{q(X)}{q(X)} and the inducing inputs alone, with the kernel and the
#' noise held at these values (as the vargplvm toolbox initialises the
#' variational distribution); then everything is optimised, by the same
#' driver and convergence check as the other fits (see "Convergence" in
#' [gplvm()]; the
#' first phase counts towards `maxit`).  A dimension the data need little
#' can stay half-used at a local optimum, its lengthscale finite and
#' \eqn{q(x_n)}{q(x_n)} narrow along it, and the optimiser then creeps
#' along it for thousands of evaluations: on the oil flow data (q = 10)
#' five dimensions of relevance \eqn{2 \times 10^{-4}}{2e-4} to
#' \eqn{10^{-3}}{1e-3} kept KL divergences of 1200 to 4500 nats each.  So
#' with `prune = TRUE` (the default), every 250 evaluations and whenever
#' the optimiser has converged, dimensions whose relevance has fallen
#' below 0.01 of the largest (the cut that `print` counts used dimensions
#' by; `prune` can give another) are switched off: all of them the first
#' time, then the least relevant alone, as two dimensions that share a
#' direction can fall below the cut together.  A switched-off dimension
#' has means 0 and variances 1, as the prior, inducing inputs 0 and a
#' lengthscale \eqn{10^6}{1e6} times the smallest, where the bound no
#' longer depends on it; the optimiser continues from there with
#' everything else kept, and (with the default RBF kernel) evaluations
#' leave the dimension out.  The bound may drop at a switch (by the KL it
#' frees and the fit it loses) before the optimiser climbs again; if the
#' fit then converges below the bound it had at the switch, the switch is
#' undone: the fit goes back to that point and keeps the dimension, which
#' `print` then counts as used whatever its relevance.  The fit has
#' converged when a run of the optimiser converges (see "Convergence" in
#' [gplvm()]) with no dimension left to switch off, all within `maxit`.
#' The most relevant dimension is never switched off.  On 300 rows of the
#' oil data the fit converged in 1448 evaluations to a bound of 1479.5,
#' against 4009 evaluations and 1477.2 without pruning (the package's
#' `bench/bayes_cost.md`).  `fit$pruning` lists the switches (dimension,
#' evaluations before it, its relevance and the bound then, whether it
#' was undone), and print shows them.  The result has class
#' `c("bgplvm", "gplvm")` with the means in `X` and the variances in
#' `X_var`; see [bgplvm-methods] for what its methods do.  A point at which
#' the bound cannot be evaluated (an overflow far from the optimum) counts
#' in `optim$failed`, as for the other fits.  `init = fit` with a Bayesian
#' fit continues it from its means (or a back-constrained fit's weights),
#' variances, inducing inputs, kernel and
#' noise (`bayesian` then defaults to `TRUE`), and `restarts = k` adds
#' starts that differ in the k-means draw of the inducing inputs alone,
#' keeping the fit with the highest bound.  Without `restarts` (and
#' `init = fit`), one such start is added when a dimension in use ends
#' below twice the cut without having been switched off: the bound can
#' have optima with different numbers of dimensions close by (on the oil
#' data two of nine seeds ended with a fourth dimension at relevance 0.013
#' and 0.018 and the lowest bounds, and the second start reached higher
#' ones with 2 and 3 dimensions; `bench/bayes_cost.md`).  With `back` the means are a mapping of the data (see
#' Back-constraints); `dynamics` is refused: the bound's KL term is that of
#' the unit Gaussian prior, and GP dynamics would need a variational one.
#' @section Which fit to draw:
#' The relevances of a Bayesian fit rank its dimensions by how fast the
#' data change along them, not by how well they separate groups, and the
#' fit spreads the data's structure over every dimension it uses.  The
#' neighbourhoods in all of them are about as good as a plain 2-D fit's,
#' but any two of them show only part: with q = 5 on the log crabs
#' measurements (`MASS::crabs`) the Bayesian fit used three dimensions,
#' with 10 leave-one-out nearest-neighbour errors among the four groups in
#' those three against the plain 2-D fit's 11, but 90 in its two most
#' relevant, the sexes being told apart along the least relevant (on iris:
#' 12 in three, 17 in two, plain 9; `bench/bayes_cost.md`).  So use
#' `bayesian = TRUE` with a generous `q` to learn how many dimensions the
#' data need, with the uncertainty of each point and for reconstructing
#' new rows, and look at its other pairs with `plot(fit, dims = )`; for a
#' two-dimensional picture fit `q = 2`, where the plain fit (above) gave
#' the fewest errors.
#' @references Lawrence, N. D. (2005). Probabilistic non-linear principal
#'   component analysis with Gaussian process latent variable models.
#'   Journal of Machine Learning Research 6, 1783--1816.
#'
#'   Lawrence, N. D. and Quinonero-Candela, J. (2006). Local distance
#'   preservation in the GP-LVM through back constraints.  Proceedings of
#'   ICML, 513--520.
#'
#'   Titsias, M. (2009). Variational learning of inducing variables in
#'   sparse Gaussian processes.  Proceedings of AISTATS, PMLR 5, 567--574.
#'
#'   Titsias, M. and Lawrence, N. D. (2010). Bayesian Gaussian process
#'   latent variable model.  Proceedings of AISTATS, PMLR 9, 844--851.
#' @seealso [gplvm()] for the call, [gplvm-scaling] for large data.
#' @examples
#' set.seed(1)
#' Y <- iris[seq(1, 150, 3), 1:4]
#' # sparse: 10 inducing inputs
#' sparse <- gplvm(Y, q = 2, inducing = 10)
#' sparse$optim$convergence
#' # back-constrained: the latent positions are a kernel mapping of the data
#' back <- gplvm(Y, q = 2, back = "kernel")
#' back$optim$convergence
#' predict(back, newdata = iris[c(2, 80), 1:4])   # the mapping, no optimiser
#' # missing entries
#' Ymiss <- Y
#' Ymiss[c(3, 40), 2] <- NA
#' miss <- gplvm(Ymiss, q = 2)
#' miss$optim$convergence
#' @name gplvm-models
NULL
