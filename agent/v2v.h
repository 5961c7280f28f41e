/* v2vboot engine: public interface.
 *
 * The kickstart path in v2vboot-agent fills one struct v2v_config per VM
 * and calls v2v_run() with a progress callback.  The ncurses wizard
 * (v2vboot-tui) only calls the quick looks below (v2v_check_source,
 * v2v_ssh_trust_host, v2v_list_vms, v2v_list_destination) while it asks;
 * then it writes a kickstart and execs v2vboot-agent on it, reading its
 * JSON events (--machine-readable).  The engine never talks to a
 * terminal; everything it has to say reaches the front end as a struct
 * v2v_event.
 */
#ifndef V2V_H
#define V2V_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define V2V_VERSION "0.1.0"

/* VSPHERE: the vSphere Web Services API of an ESXi host or a vCenter for
 * the inventory and the power state; the disks still over HTTPS /folder.
 */
enum v2v_source_type { V2V_SOURCE_NONE = 0, V2V_SOURCE_HTTPS, V2V_SOURCE_SSH,
                       V2V_SOURCE_VSPHERE };
/* A source VM's power state, as far as the source can tell. */
enum v2v_power { V2V_POWER_UNKNOWN = 0, V2V_POWER_OFF, V2V_POWER_ON,
                 V2V_POWER_SUSPENDED };
enum v2v_dest_type { V2V_DEST_NONE = 0, V2V_DEST_LOCAL, V2V_DEST_LIBVIRT };
/* DEFAULT: qcow2 in a directory, raw in a libvirt pool. */
enum v2v_format { V2V_FORMAT_DEFAULT = 0, V2V_FORMAT_QCOW2, V2V_FORMAT_RAW };
enum v2v_allocation { V2V_ALLOC_SPARSE = 0, V2V_ALLOC_PREALLOCATED };
enum v2v_firmware { V2V_FW_AUTO = 0, V2V_FW_BIOS, V2V_FW_UEFI };
enum v2v_after { V2V_AFTER_NONE = 0, V2V_AFTER_POWEROFF, V2V_AFTER_REBOOT,
                 V2V_AFTER_SHELL };
enum v2v_block_driver { V2V_BLOCK_VIRTIO_BLK = 0, V2V_BLOCK_VIRTIO_SCSI,
                        V2V_BLOCK_SATA };

struct v2v_source {
  enum v2v_source_type type;
  char *server;             /* "HOST" or "HOST:PORT" or "[V6]:PORT" */
  char *user;
  char *password_file;      /* the password is read from here, never argv */
  char *password;           /* inline (kickstart --password): discouraged */
  char *cacert;             /* PEM file of trusted CAs */
  char *thumbprint;         /* pinned SHA-256 fingerprint of the server cert */
  bool insecure;            /* skip TLS verification: operator's choice */
  char *identity;           /* ssh: private key file */
  char *known_hosts;        /* ssh: known_hosts file (default ~/.ssh/) */
};

struct v2v_disk {
  char *path;               /* "[ds] dir/file" or "/abs/path" */
  char *datacenter;         /* for datastore paths; NULL = ha-datacenter */
};

struct v2v_vm {
  char *vmx;                /* "[ds] dir/name.vmx": disks, NICs, sizes */
  char *inventory;          /* vsphere: "/DC/vm/FOLDER/NAME" or a name;
                               the batch sets vmx and datacenter from it */
  char *datacenter;         /* of the .vmx; NULL = ha-datacenter */
  char *name;               /* name of the converted VM */
  unsigned memory_mib;      /* 0 = default (2048) */
  unsigned vcpus;           /* 0 = default (1) */
  enum v2v_firmware firmware;
};

struct v2v_destination {
  enum v2v_dest_type type;
  char *dir;                /* local */
  char *uri;                /* libvirt: qemu+ssh://USER@HOST/system */
  char *pool;               /* libvirt: storage pool */
  char *identity;           /* libvirt over ssh: private key */
  char *known_hosts;        /* libvirt over ssh: known_hosts file */
  enum v2v_format format;
  enum v2v_allocation allocation;
};

struct v2v_netmap {
  char *from;               /* source network name, e.g. "VM Network" */
  char *to;                 /* libvirt network name, e.g. "default" */
};

/* The key of the guest's LUKS devices (kickstart "luks"): tried on every
 * LUKS device found on the disks, before inspection.
 */
struct v2v_luks {
  char *key_file;           /* the key is read from here, never argv */
  char *key;                /* inline (kickstart --key): discouraged */
};

/* How the conversion is done (kickstart "options"). */
struct v2v_options {
  bool no_fstrim;           /* copy free space too (no fstrim) */
  bool keep_vmware_tools;   /* leave VMware Tools installed */
  enum v2v_block_driver block_driver;
  char *virtio_win;         /* Windows drivers: ISO, directory or URL */
  bool shutdown_source;     /* a powered-on source VM: shut it down first */
  unsigned shutdown_timeout;  /* seconds for its guest shutdown; 0: 300 */
  bool hard_power_off;      /* then power it off if it is still on */
  unsigned connections;     /* source reads at once per disk, 0 = default */
  bool verify_boot;         /* boot the converted VM once, isolated */
  unsigned verify_timeout;  /* seconds it has to show life (0 = 300) */
  bool verify_report_only;  /* a failed verification does not fail the run */
};

struct v2v_config {
  struct v2v_source source;
  struct v2v_disk *disks;
  size_t nr_disks;
  struct v2v_vm vm;
  struct v2v_destination dest;
  struct v2v_netmap *netmaps;
  size_t nr_netmaps;
  struct v2v_options options;
  struct v2v_luks luks;
  enum v2v_after after;
  char *workdir;            /* NULL = a fresh directory under $TMPDIR */
  bool verbose;
};

/* Progress events.  Strings are only valid during the callback. */
enum v2v_event_type {
  V2V_EVENT_STAGE,          /* stage, disk (-1 = all disks) */
  V2V_EVENT_COPY,           /* disk, done, total, rate (bytes/s) */
  V2V_EVENT_INFO,           /* message */
  V2V_EVENT_WARNING,        /* message */
  V2V_EVENT_ERROR,          /* stage, message */
  V2V_EVENT_DONE,           /* ok, message (a summary) */
};

struct v2v_event {
  enum v2v_event_type type;
  const char *stage;
  int disk;
  uint64_t done, total;
  double rate;
  const char *message;
  bool ok;
  const char *vm_name;      /* DONE (ok): the converted VM's name */
  const char *output;       /* DONE (ok): its directory or libvirt URI */
  const char *next;         /* DONE (ok, run): what the operator does next */
  const char *verify;       /* DONE: "booted in 31 s (...)", or NULL */
  const char *screenshot;   /* DONE: the verification's PNG, or NULL */
  bool verify_ok;           /* DONE, with verify: it booted */
};

typedef void (*v2v_progress_fn) (const struct v2v_event *ev, void *opaque);

enum v2v_mode { V2V_MODE_RUN, V2V_MODE_CHECK };

/* Convert (V2V_MODE_RUN) or run every check and stop before the copy
 * (V2V_MODE_CHECK).  Returns 0 or -1; on -1 v2v_last_error() says why.
 */
extern int v2v_run (const struct v2v_config *config, enum v2v_mode mode,
                    v2v_progress_fn progress, void *opaque);

/* The last error of this thread, "stage: message", or NULL.  The string
 * belongs to the engine and is valid until the next engine call.
 */
extern const char *v2v_last_error (void);

/* What kind of error the last one is, so that a front end acts on it
 * without reading its text (the wizard's trust dialogs), and its detail:
 * for V2V_ERR_TRUST_CERT the certificate's SHA-256 fingerprint
 * ("AB:CD:..."), for V2V_ERR_TRUST_HOST_KEY the host key's
 * ("SHA256:..."), else "" (never NULL).  Both are valid as long as
 * v2v_last_error().  v2v_error_kind_name gives the name the JSON events
 * carry ("trust-cert", ...; "other" for V2V_ERR_OTHER).
 */
enum v2v_error_kind {
  V2V_ERR_OTHER = 0,
  V2V_ERR_TRUST_CERT,       /* TLS certificate not trusted */
  V2V_ERR_TRUST_HOST_KEY,   /* SSH host key not known */
  V2V_ERR_AUTH,             /* the login was refused */
  V2V_ERR_NOT_FOUND,        /* a file, VM, datacenter, pool does not exist */
  V2V_ERR_UNREACHABLE,      /* no answer: name, connection, timeout */
  V2V_ERR_CANCELLED,        /* the run was cancelled */
};
extern enum v2v_error_kind v2v_last_error_kind (void);
extern const char *v2v_last_error_detail (void);
extern const char *v2v_error_kind_name (enum v2v_error_kind kind);

/* The stages of a run, in the order they run, each with what it does in
 * a few words (the wizard's progress list).  The array ends with a NULL
 * name.  Stage events and errors name one of these.
 */
struct v2v_stage_info {
  const char *name;         /* "destination", "source", ... */
  const char *text;         /* "check the destination", ... */
};
extern const struct v2v_stage_info v2v_stages[];

/* Stop the programs a run started (signal-safe), so that a front end
 * can cancel: the run then fails, cleans up and returns.
 */
extern void v2v_kill_children (int sig);

/* Work directories left behind (pipeline/pipeline.c).  Each run's work directory holds
 * a lock file, flock'ed for the run's life, with the run's pid and start
 * time.  Remove those under the configuration's work parent (workdir,
 * $TMPDIR or /var/tmp) that are ours and that no live run holds: left by
 * a SIGKILL, a crash or a power loss.  With pid > 0, only the one made by
 * that process.  fn (if not NULL) is called for each one removed.
 * Returns how many were removed, or -1 if pid > 0 and its directory is
 * still held (by a process it left: try again).  v2v_run does this with
 * pid 0 and says so in a warning.
 */
typedef void (*v2v_stale_fn) (const char *dir, long pid, long long started,
                              void *opaque);
extern int v2v_clean_workdirs (const struct v2v_config *config, long pid,
                               v2v_stale_fn fn, void *opaque);

/* What a killed run left at its destination: for a directory, every
 * claim on a name that nobody holds any more, with the temporary files it
 * lists (a libvirt pool's claim is taken over by the next run of that
 * name).  say (msg, opaque) is called for each thing removed, or that
 * could not be; msg lives only for the call.
 */
typedef void (*v2v_say_fn) (const char *msg, void *opaque);
extern void v2v_dest_sweep (const struct v2v_config *config, v2v_say_fn say,
                            void *opaque);

/* Free every string and array of a config that owns them (the
 * kickstart's, a copy): each string is zeroed first, so that no
 * password or key stays in freed memory.  Not for a borrowed view
 * (ks_vm_config).
 */
extern void v2v_config_free (struct v2v_config *config);

/* A deep copy of src into *dst, which then owns all its strings and
 * arrays (free it with v2v_config_free).  Returns 0, or -1 with errno
 * set (out of memory) and *dst zeroed.
 */
extern int v2v_config_copy (struct v2v_config *dst,
                            const struct v2v_config *src);

/* The fields of struct v2v_config, and of the elements of its arrays,
 * that v2v_config_free and v2v_config_copy walk: those a kickstart
 * option sets come from the kickstart's command table
 * (ks_config_fields), the others from one list in
 * agent/pipeline/config.c.  tests/unit/test-config.c checks that
 * together they cover every byte of the structs.
 */
enum v2v_field_kind {
  V2V_FIELD_VALUE,          /* copied as it is: a number, enum or bool */
  V2V_FIELD_STRING,         /* char *: malloc'd, or NULL */
  V2V_FIELD_ARRAY,          /* a pointer to count elements of size bytes */
};
#define V2V_FIELD_TOP SIZE_MAX
struct v2v_config_field {
  enum v2v_field_kind kind;
  size_t in;                /* V2V_FIELD_TOP: in struct v2v_config; else
                               in each element of the array whose pointer
                               is at this offset of struct v2v_config */
  size_t offset;            /* of the field, in the config or an element */
  size_t size;              /* VALUE: its size; ARRAY: an element's */
  size_t count;             /* ARRAY: offset of its size_t count */
};
typedef void (*v2v_config_field_fn) (const struct v2v_config_field *f,
                                     void *opaque);
extern void v2v_config_fields (v2v_config_field_fn fn, void *opaque);

/* Quick looks at one part of a configuration, for front ends that ask
 * step by step (the wizard).  Each takes seconds, and returns 0, or -1
 * with v2v_last_error() saying what to fix.
 */

/* The source answers, is trusted, and the login works. */
extern int v2v_check_source (const struct v2v_config *config);

/* SSH: the operator checked the host key's fingerprint ("SHA256:..."):
 * add the key to config->source.known_hosts.
 */
extern int v2v_ssh_trust_host (const struct v2v_config *config,
                               const char *fingerprint);

/* A VM found on the source.  Strings are valid during the callback. */
struct v2v_found_vm {
  const char *vmx;          /* "[DATASTORE] DIR/NAME.vmx" */
  const char *name;         /* display name */
  const char *guest_os;     /* VMware's guestOS, e.g. "debian12-64" */
  unsigned memory_mib, vcpus;
  enum v2v_firmware firmware;
  size_t nr_disks, nr_nics;
  uint64_t disk_bytes;      /* total virtual size of its disks */
  const char *networks;     /* its NICs' source networks, ", "-separated */
  const char *problem;      /* why it cannot be read, or NULL */
  enum v2v_power power;     /* V2V_POWER_UNKNOWN when the source cannot tell */
  const char *inventory;    /* vSphere inventory path "/DC/vm/FOLDER/NAME",
                               or NULL */
  const char *datacenter;   /* vSphere: its datacenter's path (the dcPath
                               of its files), or NULL */
};
typedef void (*v2v_found_vm_fn) (const struct v2v_found_vm *vm,
                                 void *opaque);
/* Every .vmx on the source (config->vm.datacenter, or ha-datacenter). */
extern int v2v_list_vms (const struct v2v_config *config,
                         v2v_found_vm_fn fn, void *opaque);

/* vSphere (source --type=vsphere): the VMs an inventory name designates
 * (vm --inventory): "/DC/vm/FOLDER/NAME" that VM; "/DC/vm/FOLDER/" every
 * VM under that folder (a batch); "NAME" the one VM of that name (more
 * than one is an error that lists them).  fn gets each, with its vmx,
 * inventory path, datacenter and power state.  0, or -1 with the error
 * set (V2V_ERR_NOT_FOUND when there is no such VM or datacenter).
 */
extern int v2v_vsphere_find (const struct v2v_config *config,
                             const char *name, v2v_found_vm_fn fn,
                             void *opaque);

/* A storage pool or network of a libvirt destination. */
struct v2v_found_target {
  const char *kind;         /* "pool" or "network" */
  const char *name;
  bool active;
  uint64_t available;       /* pools: free bytes */
};
typedef void (*v2v_found_target_fn) (const struct v2v_found_target *t,
                                     void *opaque);
/* Connect to the destination (a directory: check it is writable) and
 * list its pools and networks.
 */
extern int v2v_list_destination (const struct v2v_config *config,
                                 v2v_found_target_fn fn, void *opaque);

/* For a front end's own transfers (v2vboot-agent fetching a kickstart),
 * so that it trusts servers exactly as the engine does (docs/data-path.md).
 * curl is a libcurl easy handle; strings returned are the caller's to
 * free.
 */
/* The protocol policy of every handle: https stays https, redirects
 * (when follow) only as the policy allows.  -1 with the error set.
 */
extern int v2v_curl_policy (void *curl, const char *url, bool follow);
/* After a failed transfer (rc a CURLcode): why a redirect was refused,
 * or NULL when that was not the failure.
 */
extern char *v2v_curl_refused_redirect (void *curl, const char *url, int rc);
/* server is "HOST:PORT".  Its certificate's SHA-256 fingerprint
 * ("AA:BB:..."), or NULL.
 */
extern char *v2v_server_fingerprint (const char *server);
/* Why its certificate's key is too weak to trust, or NULL if it is not. */
extern char *v2v_server_weak_key (const char *server);
/* Fetch its certificate, check it against thumbprint (its SHA-256
 * fingerprint) and write it into workdir as the only CA to trust: the
 * file's path, or NULL with the error set.
 */
extern char *v2v_pin_certificate (const char *workdir, const char *server,
                                  const char *thumbprint);
/* "HOST[:PORT]" or "[IPV6][:PORT]": the host (caller frees) and the port
 * (left as it was when there is none).  -1 with the error set.
 */
extern int v2v_split_server (const char *server, char **host,
                             unsigned *port);

#endif /* V2V_H */
