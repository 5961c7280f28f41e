/* v2vboot engine: internal interfaces, one section per file. */
#ifndef V2V_INTERNAL_H
#define V2V_INTERNAL_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "v2v.h"
#include "common/cleanup.h"

struct guestfs_h;
struct ssh_session_struct;
struct sftp_session_struct;
struct _virConnect;
struct _virStoragePool;
struct _virDomain;

/* Byte ranges (ext4_unused.c, overlay.c). */
struct v2v_range {
  uint64_t off, len;        /* bytes */
};
struct v2v_ranges {
  struct v2v_range *ranges;
  size_t nr;
};

/* One source disk on its way through the pipeline. */
struct disk_state {
  char *path;               /* "[ds] dir/x-flat.vmdk" or /abs/path */
  const char *datacenter;   /* of a datastore path, or NULL */
  const char *label;        /* for messages: the path */
  char *url;                /* HTTPS URL */
  char *remote_path;        /* SSH path on the host */
  uint64_t size;            /* virtual size */
  pid_t nbdkit_pid;
  char *socket;             /* nbdkit's NBD socket */
  char *overlay;            /* qcow2 overlay in the work directory */
  uint64_t data_bytes;      /* data the copy writes (qemu-img measure) */
  uint64_t required;        /* bytes the destination must have free */
  uint64_t written;         /* data the copy wrote (after it) */
  char *out_path, *out_tmp; /* final and temporary output files */
  char *volume;             /* libvirt volume name */
  struct v2v_ranges unused; /* disk bytes that hold nothing (ext4_unused.c) */
  bool out_created, out_final;
};

/* What inspection found. */
struct v2v_guest {
  char *root, *type, *distro, *product, *arch;
  int major, minor;
  enum v2v_firmware firmware;
  char **mountpoints;       /* mounted, parents first */
  uint64_t used_bytes;      /* used bytes in all mounted filesystems */
};

struct v2v_nic {
  char *mac;
  const char *network;
};

/* A static IPv4 address the Windows guest had (inspect_windows.c). */
struct v2v_win_ip {
  char *mac;                /* the VM NIC it goes to, or NULL */
  char *address, *netmask, *gateway, *dns;
};

/* What Windows inspection found and the conversion decided. */
struct v2v_windows {
  char *systemroot;         /* "/Windows" */
  char *ccs;                /* "ControlSet001" */
  char *system_hive, *software_hive;
  int build;
  char *edition;            /* EditionID: "ServerStandard", "Enterprise" */
  bool server;
  bool driver_db;           /* SYSTEM\DriverDatabase: Windows 8 and later */
  char **uninstall;         /* MSI product codes of VMware Tools */
  struct v2v_win_ip *ips;
  size_t nr_ips;
  char *virtio_win;         /* local ISO or directory, or NULL */
  bool virtio_win_is_dir;
  char *iso_device;         /* the ISO as the appliance sees it */
  bool virtio_net;          /* netkvm installed */
};

/* State of one v2v_run. */
struct run {
  const struct v2v_config *cfg;
  v2v_progress_fn progress;
  void *opaque;
  char *workdir;            /* 0700, removed at the end */
  int workdir_lock;         /* flock'ed "lock" in it, while workdir is set */
  char *password;           /* in memory only; zeroed when freed */
  char *password_file;      /* 0600 copy in workdir for nbdkit */
  char *cainfo;             /* CA file for TLS, or NULL for the system's */
  struct _virConnect *conn;         /* libvirt destination */
  struct _virStoragePool *pool;
  uint64_t libvirt_bytes;           /* data sent over the connection */
  struct ssh_session_struct *ssh;   /* during the source stage */
  struct sftp_session_struct *sftp;
  struct v2v_vsphere *vsphere;      /* vSphere API session (source_vsphere.c) */
  struct disk_state *disks;
  size_t nr_disks;
  struct v2v_nic *nics;
  size_t nr_nics;
  struct guestfs_h *g;
  struct v2v_guest guest;
  struct v2v_windows win;
  char *dest_dir;
  char *xml_path;
  bool raw_disks;           /* the output writes raw, else qcow2 (output.c) */
  char *dest_text, *next_text;  /* for messages and the done event:
                                   set by output.c */
  /* The VM as it will be: the kickstart's, else the .vmx's, else defaults. */
  char *name;
  unsigned memory_mib, vcpus;
  enum v2v_firmware firmware;   /* V2V_FW_AUTO: as the guest has it */
  enum v2v_block_driver block_driver;  /* the options', or SATA for
                                          Windows without drivers */
  /* output_local.c: the claim on the name in the destination directory
   * (held, with a lock on claim_fd, while claim_path is set).
   */
  char *claim_path;
  int claim_fd;
  /* output_libvirt.c: the claim domain NAME.v2vboot-claim. */
  struct _virDomain *claim_dom;
  /* The guest has (or installs at first boot) the qemu guest agent; has
   * a virtio RNG driver (the conversions set them, the domain uses them).
   */
  bool guest_agent, guest_rng;
  /* verify.c: the report, the screenshot (or NULL), the verdict. */
  char *verify_text, *screenshot;
  bool verify_ok;
};

#include "common/common.h"
#include "pipeline/pipeline.h"
#include "source/source.h"
#include "guest/guest.h"
#include "convert/convert.h"
#include "output/output.h"
#include "verify/verify.h"

#endif
