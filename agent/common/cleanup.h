/* Scoped cleanup with __attribute__((cleanup)), as in nbdkit. */
#ifndef V2V_CLEANUP_H
#define V2V_CLEANUP_H

#include <stdlib.h>

extern void v2v_cleanup_free (void *ptr);
extern void v2v_cleanup_free_strv (void *ptr);
extern void v2v_cleanup_close (void *ptr);
extern void v2v_cleanup_fclose (void *ptr);

#define CLEANUP_FREE __attribute__ ((cleanup (v2v_cleanup_free)))
#define CLEANUP_FREE_STRV __attribute__ ((cleanup (v2v_cleanup_free_strv)))
#define CLEANUP_CLOSE __attribute__ ((cleanup (v2v_cleanup_close)))
#define CLEANUP_FCLOSE __attribute__ ((cleanup (v2v_cleanup_fclose)))

#endif
