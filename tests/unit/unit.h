/* A tiny unit-test harness: CHECK and CHECK_STR record failures with
 * file:line, and unit_done() prints a summary and sets the exit status.
 */
#ifndef V2V_UNIT_H
#define V2V_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_checks, unit_failures;

#define CHECK(cond) do {                                                  \
    unit_checks++;                                                        \
    if (!(cond)) {                                                        \
      unit_failures++;                                                    \
      fprintf (stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,   \
               #cond);                                                    \
    }                                                                     \
  } while (0)

#define CHECK_STR(got, want) do {                                         \
    const char *g_ = (got), *w_ = (want);                                 \
    unit_checks++;                                                        \
    if (g_ == NULL || strcmp (g_, w_) != 0) {                             \
      unit_failures++;                                                    \
      fprintf (stderr, "%s:%d: got:\n%s\nwant:\n%s\n", __FILE__,          \
               __LINE__, g_ ? g_ : "(null)", w_);                         \
    }                                                                     \
  } while (0)

#define CHECK_CONTAINS(got, want) do {                                    \
    const char *g_ = (got), *w_ = (want);                                 \
    unit_checks++;                                                        \
    if (g_ == NULL || strstr (g_, w_) == NULL) {                          \
      unit_failures++;                                                    \
      fprintf (stderr, "%s:%d: '%s' not in:\n%s\n", __FILE__, __LINE__,   \
               w_, g_ ? g_ : "(null)");                                   \
    }                                                                     \
  } while (0)

static inline int
unit_done (const char *name)
{
  printf ("%s: %d checks, %d failed\n", name, unit_checks, unit_failures);
  return unit_failures ? 1 : 0;
}

#endif
