/* Growable arrays of one type, with the growth, the overflow checks and
 * the freeing written once.
 *
 *   DEFINE_VECTOR_TYPE (string_vector, char *);
 *   struct string_vector v = VECTOR_INIT;
 *   if (string_vector_append (&v, s) == -1) ... out of memory ...
 *   for (size_t i = 0; i < v.len; ++i) ... v.ptr[i] ...
 *   string_vector_reset (&v);          (frees the array, not the items)
 *
 * Appending is amortised O(1) (the capacity doubles).  Every function that
 * allocates returns 0, or -1 with errno = ENOMEM (or EOVERFLOW) and the
 * vector unchanged; none reports an error itself, so that the kickstart
 * parser and the wizard can use them as well as the engine.
 */
#ifndef V2V_VECTOR_H
#define V2V_VECTOR_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VECTOR_INIT { .ptr = NULL, .len = 0, .cap = 0 }

/* Make room for n more elements of size elem in *ptr (capacity *cap,
 * *len used).  Shared by every vector type.
 */
static inline int
v2v_vector_reserve (void **ptr, size_t *cap, size_t len, size_t n,
                    size_t elem)
{
  size_t want, newcap;
  void *p;

  if (n > SIZE_MAX - len) {
    errno = EOVERFLOW;
    return -1;
  }
  want = len + n;
  if (want <= *cap)
    return 0;
  newcap = *cap ? *cap : 4;
  while (newcap < want) {
    if (newcap > SIZE_MAX / 2) {
      newcap = want;
      break;
    }
    newcap *= 2;
  }
  if (newcap > SIZE_MAX / elem) {
    errno = EOVERFLOW;
    return -1;
  }
  p = realloc (*ptr, newcap * elem);
  if (p == NULL) {
    errno = ENOMEM;
    return -1;
  }
  *ptr = p;
  *cap = newcap;
  return 0;
}

#define DEFINE_VECTOR_TYPE(name, type)                                  \
  struct name {                                                         \
    type *ptr;                  /* the elements */                      \
    size_t len;                 /* how many are used */                 \
    size_t cap;                 /* how many fit */                      \
  };                                                                    \
                                                                        \
  static inline __attribute__ ((__unused__)) int                        \
  name##_reserve (struct name *v, size_t n)                             \
  {                                                                     \
    void *p = v->ptr;                                                   \
    int r = v2v_vector_reserve (&p, &v->cap, v->len, n, sizeof (type)); \
    v->ptr = p;                                                         \
    return r;                                                           \
  }                                                                     \
                                                                        \
  static inline __attribute__ ((__unused__)) int                        \
  name##_append (struct name *v, type elem)                             \
  {                                                                     \
    if (name##_reserve (v, 1) == -1)                                    \
      return -1;                                                        \
    v->ptr[v->len++] = elem;                                            \
    return 0;                                                           \
  }                                                                     \
                                                                        \
  /* Remove element i, keeping the order of the others. */             \
  static inline __attribute__ ((__unused__)) void                       \
  name##_remove (struct name *v, size_t i)                              \
  {                                                                     \
    memmove (&v->ptr[i], &v->ptr[i + 1],                                \
             (v->len - i - 1) * sizeof (type));                         \
    v->len--;                                                           \
  }                                                                     \
                                                                        \
  /* Free the array (not what its elements point to); empty again. */  \
  static inline __attribute__ ((__unused__)) void                       \
  name##_reset (struct name *v)                                         \
  {                                                                     \
    free (v->ptr);                                                      \
    v->ptr = NULL;                                                      \
    v->len = v->cap = 0;                                                \
  }                                                                     \
                                                                        \
  /* Call f on every element, then reset. */                            \
  static inline __attribute__ ((__unused__)) void                       \
  name##_free_all (struct name *v, void (*f) (type))                    \
  {                                                                     \
    for (size_t i_ = 0; i_ < v->len; ++i_)                              \
      f (v->ptr[i_]);                                                   \
    name##_reset (v);                                                   \
  }

#endif
