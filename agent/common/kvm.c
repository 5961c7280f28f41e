/* Whether KVM works here: /dev/kvm opens read-write.  The appliance and
 * the verification boot both ask (each also honours its own way of
 * forcing TCG).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

#include "internal.h"

bool
v2v_kvm_opens (void)
{
  int fd = open ("/dev/kvm", O_RDWR | O_CLOEXEC);

  if (fd == -1)
    return false;
  close (fd);
  return true;
}
