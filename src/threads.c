/* How many OpenMP threads the C loops may use.
 *
 * Two limits apply to the count the user asks for (option gplvm.threads):
 *
 * - What the machine offers: omp_get_num_procs() (the processors this
 *   process may run on) and omp_get_thread_limit() (OMP_THREAD_LIMIT).
 *   More threads than processors cannot run the loops faster, and asking
 *   libgomp for thousands of them can kill the process ("Thread creation
 *   failed") where R cannot catch it.  Per-thread scratch is sized by the
 *   capped count.
 *
 * - fork(): libgomp's thread pool does not survive it.  A child forked
 *   (parallel::mclapply) after the parent ran a parallel region with two or
 *   more threads would wait forever for pool threads that do not exist in
 *   the child.  So the pid of the process that started a pool is kept, and
 *   any other process (a forked child, which inherits the variable) runs on
 *   one thread.  A pid comparison rather than pthread_atfork(): a fork
 *   handler cannot be removed when the package's DLL is unloaded, and would
 *   then be called at an unmapped address at the next fork.
 */
#include "calls.h"
#include <sys/types.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#ifdef _OPENMP
/* The process that has run a parallel region with more than one thread,
 * 0 before any. */
static pid_t pool_owner = 0;
#endif

int gplvm_threads(int requested)
{
#ifdef _OPENMP
    if (requested <= 1) return 1;
    pid_t self = getpid();
    if (pool_owner != 0 && pool_owner != self) return 1;
    int cap = omp_get_num_procs();
    int limit = omp_get_thread_limit();
    if (limit < cap) cap = limit;
    int n = requested < cap ? requested : cap;
    if (n < 1) n = 1;
    if (n > 1) pool_owner = self;
    return n;
#else
    (void) requested;
    return 1;
#endif
}

SEXP gplvm_threads_call(SEXP requested)
{
    return ScalarInteger(gplvm_threads_arg(requested));
}
