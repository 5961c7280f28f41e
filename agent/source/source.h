/* v2vboot engine, the source stage: reaching the VM's files over HTTPS or SSH, its .vmx, the overlay (agent/source/).
 * Included by internal.h after the shared structures.
 */
#ifndef V2V_SOURCE_H
#define V2V_SOURCE_H

#include "common/vector.h"

/* url.c */
extern int v2v_parse_datastore_path (const char *path, char **ds, char **rel);
extern char *v2v_url_escape (const char *s, bool keep_slash);
extern char *v2v_https_url (const char *server, const struct v2v_disk *disk);
extern char *v2v_ssh_path (const struct v2v_disk *disk);

/* password.c */
extern char *v2v_read_password_file (struct run *run, const char *file);
extern char *v2v_read_secret_file (struct run *run, const char *what,
                                   const char *file);
extern void v2v_free_password (char *pw);
extern char *v2v_write_secret (const char *workdir, const char *name,
                               const char *secret);

/* curl.c: every libcurl handle of the engine is made here (the
 * TLS and redirect policy, v2v_curl_policy, is public: agent/v2v.h).
 */
/* How v2v_curl_new sets a handle up. */
struct v2v_curl_setup {
  bool follow;              /* follow redirects (then only as the policy allows) */
  long connect_timeout;     /* seconds */
  long timeout;             /* seconds for the whole transfer; 0: none */
  bool low_speed;           /* a minute under 1 KiB/s is an error */
  bool no_verify;           /* no TLS verification (to fetch a certificate) */
  /* The source's login and trust (an https:// URL only, basic auth with
   * the password set apart from the URL, --insecure or the CA file), or
   * NULL for the system's CAs and no login.
   */
  struct run *source;
  char *errbuf;             /* CURL_ERROR_SIZE bytes, or NULL */
};
extern void *v2v_curl_new (const char *url, const struct v2v_curl_setup *s);
extern size_t v2v_curl_discard (char *ptr, size_t size, size_t nmemb,
                                void *opaque);
struct v2v_curl_body {
  char *buf;
  size_t len, max;
  bool too_big;
  size_t cap;               /* allocated */
  bool nomem;               /* the body did not fit in memory */
};
extern size_t v2v_curl_collect (char *ptr, size_t size, size_t nmemb,
                                void *opaque);

/* tls.c (v2v_server_fingerprint, v2v_pin_certificate and
 * v2v_server_weak_key are public: agent/v2v.h) */
extern int v2v_parse_fingerprint (const char *s, unsigned char *md,
                                  size_t mdlen);
extern char *v2v_fetch_server_cert (const char *server);
extern char *v2v_cert_fingerprint (const char *pem);
extern char *v2v_cert_weak_key (const char *pem);

/* source.c: one table of operations per kind of source, like nbdkit's
 * struct backend.  Adding a source is a new source_KIND.c with its table
 * and a row in v2v_source_ops_for; nothing else tests the source type.
 */
struct v2v_lister;
struct v2v_nbdkit_args;
struct v2v_source_ops {
  const char *name;                         /* "https", "ssh" */
  /* Trust and login: TLS trust worked out, or an SSH session logged in.
   * Before any other operation.
   */
  int (*connect) (struct run *run);
  void (*close) (struct run *run);          /* safe to call twice */
  /* For the wizard: prove the login (after connect), on datacenter's
   * pages where the source has them.
   */
  int (*check_login) (struct run *run, const char *datacenter);
  int (*probe) (struct run *run);           /* every disk: readable, size */
  /* A small file (a .vmx, a descriptor) at a datastore path, at most max
   * bytes, NUL-terminated, *len bytes (caller frees), or NULL with the
   * error set.
   */
  char *(*get) (struct run *run, const char *path, const char *datacenter,
                size_t max, size_t *len);
  /* nbdkit's filter, plugin and plugin arguments serving disk d. */
  int (*nbdkit_args) (struct run *run, struct disk_state *d,
                      struct v2v_nbdkit_args *a);
  /* Every entry of the source's tree where VMs live, each to l->file. */
  int (*list_vms) (struct v2v_lister *l);
  const char *list_where;                   /* where list_vms looks */
  /* Files by URL with the source's own trust and login (virtio-win on a
   * datastore), or all three NULL: the URL of a datastore path, whether
   * a URL is on the source's server, and a download of one into a file.
   */
  char *(*url) (struct run *run, const struct v2v_disk *where);
  bool (*url_is_ours) (struct run *run, const char *url);
  int (*download) (struct run *run, const char *url, const char *label,
                   const char *path);
  /* The VM's power state (after connect, once the VM is known): 0 with
   * *state set (V2V_POWER_UNKNOWN when the source cannot tell for this
   * VM; *how then says why, e.g. "no API over plain HTTPS"), or -1 with
   * the error set.  NULL: the source never can tell.  how is a buffer of
   * howlen bytes for how the state was learnt ("vSphere API",
   * "vim-cmd vmsvc/power.getstate 12", ...).
   */
  int (*power_state) (struct run *run, enum v2v_power *state,
                      char *how, size_t howlen);
  /* Shut the VM down: a guest shutdown through VMware Tools, then wait up
   * to timeout seconds for it to be off; if it is not and hard, a hard
   * power-off.  0 once it is off, -1 with the error set.  NULL: the
   * source cannot.
   */
  int (*shutdown) (struct run *run, unsigned timeout, bool hard);
};
extern const struct v2v_source_ops v2v_source_https, v2v_source_ssh,
  v2v_source_vsphere;
/* The table of a source type, or NULL when there is no source. */
extern const struct v2v_source_ops *v2v_source_ops_for
  (enum v2v_source_type type);
/* The run's source operations, each with the error set when the run
 * has no source.
 */
extern int v2v_source_connect (struct run *run);
extern void v2v_source_close (struct run *run);
extern int v2v_source_probe (struct run *run);
extern char *v2v_source_fetch (struct run *run, const char *path,
                               const char *datacenter, size_t max,
                               size_t *len);
/* The datacenter of the quick looks: the kickstart's, else ESXi's own. */
extern const char *v2v_source_datacenter (const struct v2v_config *cfg);


/* source_https.c: the https source's operations, which the vsphere
 * source shares (the disks stay on /folder).
 */
extern int v2v_https_trust (struct run *run);
extern int v2v_https_probe (struct run *run);
extern char *v2v_https_get_path (struct run *run, const char *path,
                                 const char *datacenter, size_t max,
                                 size_t *len);
extern int v2v_https_nbdkit_args (struct run *run, struct disk_state *d,
                                  struct v2v_nbdkit_args *a);
extern char *v2v_https_url_of (struct run *run, const struct v2v_disk *where);
extern bool v2v_https_url_is_ours (struct run *run, const char *url);
/* power.c: the VM's power state, checked at the start of the source
 * stage (where --shutdown-source shuts it down), before the overlay, and
 * after the copy.  0, or -1 with the error set (a VM that is or was
 * powered on); a source that cannot tell gives a warning at the start.
 * v2v_power_check_with takes the table (a fake one in tests).
 */
#define V2V_SHUTDOWN_TIMEOUT 300    /* seconds, without --shutdown-timeout */
enum v2v_power_when { V2V_POWER_AT_START, V2V_POWER_BEFORE_OVERLAY,
                      V2V_POWER_AFTER_COPY };
extern int v2v_source_power_check (struct run *run, enum v2v_power_when when);
extern int v2v_power_check_with (struct run *run,
                                 const struct v2v_source_ops *ops,
                                 enum v2v_power_when when);
/* "powered on", "powered off", "suspended", "in an unknown power state" */
extern const char *v2v_power_name (enum v2v_power state);

/* source_https_request.c */
extern int v2v_https_probe_disk (struct run *run, struct disk_state *d);
extern int v2v_https_download (struct run *run, const char *url,
                               const char *label, const char *path);
extern char *v2v_https_get (struct run *run, const char *url,
                            const char *label, size_t max, size_t *len);
extern int v2v_https_transport_error (struct run *run, int rc,
                                      const char *errbuf);

/* source_https_list.c: ESXi's datastore browser pages (/folder). */
extern int v2v_https_check_login (struct run *run, const char *datacenter);
extern int v2v_https_list_vms (struct v2v_lister *l);

/* source_ssh_power.c: the power_state and shutdown of v2v_source_ssh. */
extern int v2v_ssh_power_state (struct run *run, enum v2v_power *state,
                                char *how, size_t howlen);
extern int v2v_ssh_shutdown (struct run *run, unsigned timeout, bool hard);

/* vimcmd.c: vim-cmd's answers.  v2v_vimcmd_vmid: how many VMs of
 * `vmsvc/getallvms` have the .vmx vmx ("[ds] dir/name.vmx"), with *id
 * the Vmid when it is one (else 0).  v2v_vimcmd_power: 0 with *state
 * from `vmsvc/power.getstate`, or -1 when the text has no (or more than
 * one) state line.
 */
extern int v2v_vimcmd_vmid (const char *text, size_t len, const char *vmx,
                            long *id);
extern int v2v_vimcmd_power (const char *text, size_t len,
                             enum v2v_power *state);

/* source_https_power.c: the power_state of v2v_source_https (a .vswp
 * beside the .vmx).
 */
extern int v2v_https_power_state (struct run *run, enum v2v_power *state,
                                  char *how, size_t howlen);

/* source_ssh_list.c: the SFTP tree /vmfs/volumes/DS/DIR/. */
extern int v2v_ssh_list_vms (struct v2v_lister *l);

/* vsphere_xml.c, vsphere_inventory.c: the vSphere API's XML, without a
 * server (libxml2 types stay opaque here).
 */
#define V2V_VS_MAX_ANSWER (32 * 1024 * 1024)  /* bytes of one answer */
#define V2V_VS_MAX_OBJECTS 100000             /* of one inventory */
#define V2V_VS_MAX_DEVICES 256                /* of one VM */
struct _xmlDoc;
struct _xmlNode;
extern struct _xmlDoc *v2v_vs_parse (const char *xml, size_t len, char *err,
                                     size_t errlen);
extern bool v2v_vs_is (const struct _xmlNode *n, const char *local);
extern struct _xmlNode *v2v_vs_child (const struct _xmlNode *n,
                                      const char *local);
extern struct _xmlNode *v2v_vs_first (const struct _xmlNode *n);
extern char *v2v_vs_text (const struct _xmlNode *n);
extern char *v2v_vs_attr (const struct _xmlNode *n, const char *name,
                          bool xsi);
extern struct _xmlNode *v2v_vs_body (struct _xmlDoc *doc);
extern int v2v_vs_fault (struct _xmlDoc *doc, char **name, char **text);
extern void v2v_vs_printable (char *s, size_t max);
extern char *v2v_vs_returnval (struct _xmlDoc *doc);
extern char *v2v_vs_escape (const char *s);
/* RetrieveServiceContent's references (each malloc'd) */
struct v2v_vs_service {
  char *root_folder, *property_collector, *view_manager, *session_manager;
  char *api_type;           /* "HostAgent" (ESXi) or "VirtualCenter" */
  char *full_name;          /* "VMware ESXi 6.5.0 build-...", or NULL */
};
extern int v2v_vs_service_content (struct _xmlDoc *doc,
                                   struct v2v_vs_service *sc, char *err,
                                   size_t errlen);
extern void v2v_vs_service_free (struct v2v_vs_service *sc);
/* An object of the inventory, with the properties vsphere_soap.c asks
 * for (every string malloc'd, NULL when the server did not give it).
 */
struct v2v_vs_disk {
  char *file;               /* backing "[datastore] dir/name.vmdk" */
  uint64_t capacity;        /* bytes */
  char *controller;         /* "scsi0:0", "sata0:1", "ide1:0", "nvme0:0" */
};
struct v2v_vs_nic {
  char *mac;                /* as the API gives it */
  char *network;            /* network or port group name */
  char *model;              /* "vmxnet3", "e1000e", ... */
  char *portgroup_key;      /* distributed port group, until finish */
};
struct v2v_vs_object {
  char *type, *id;          /* the managed object reference */
  char *name, *parent_type, *parent_id;
  char *key;                /* DistributedVirtualPortgroup: its key */
  /* VirtualMachine */
  enum v2v_power power;
  char *guest_id, *vmx;     /* config.guestId, summary.config.vmPathName */
  enum v2v_firmware firmware;
  unsigned memory_mib, vcpus;
  bool snapshot, cbt;       /* snapshots exist; changeTrackingEnabled */
  struct v2v_vs_disk *disks;
  size_t nr_disks;
  struct v2v_vs_nic *nics;
  size_t nr_nics;
  /* Task: info.state ("success", "error", "running", "queued") */
  char *task_state, *task_error;
  /* v2v_vs_finish */
  char *path;               /* "/DC/vm/FOLDER/NAME" */
  char *datacenter;         /* its datacenter's path ("DC0"), or NULL */
};
struct v2v_vs_inventory {
  struct v2v_vs_object *objs;
  size_t nr, cap;
};
extern int v2v_vs_parse_objects (struct _xmlDoc *doc,
                                 struct v2v_vs_inventory *inv, char **token,
                                 char *err, size_t errlen);
extern int v2v_vs_finish (struct v2v_vs_inventory *inv);
extern void v2v_vs_inventory_free (struct v2v_vs_inventory *inv);
extern struct v2v_vs_object *v2v_vs_find (const struct v2v_vs_inventory *inv,
                                          const char *type, const char *id);
extern int v2v_vs_match (const struct v2v_vs_inventory *inv, const char *name,
                         struct v2v_vs_object ***match, size_t *n);
extern bool v2v_vs_has_datacenter (const struct v2v_vs_inventory *inv,
                                   const char *path);
extern struct v2v_vs_object *v2v_vs_by_vmx
  (const struct v2v_vs_inventory *inv, const char *vmx, const char *dc);
extern const char *v2v_vs_power_name (enum v2v_power p);

/* vsphere_soap.c: a session with an ESXi host's or a vCenter's /sdk. */
struct v2v_vsphere {
  struct run *run;          /* its trust (cainfo, --insecure) and server */
  char *url;                /* https://SERVER/sdk */
  char *cookie;             /* "vmware_soap_session=...": a secret */
  struct v2v_vs_service sc;
};
extern struct v2v_vsphere *v2v_vsphere_login (struct run *run);
extern void v2v_vsphere_logout (struct v2v_vsphere *vs);
extern int v2v_vsphere_inventory (struct v2v_vsphere *vs,
                                  struct v2v_vs_inventory *inv, bool full);
extern int v2v_vsphere_vm_props (struct v2v_vsphere *vs, const char *type,
                                 const char *id, const char *const *props,
                                 struct v2v_vs_inventory *inv);
extern int v2v_vsphere_vm_call (struct v2v_vsphere *vs, const char *method,
                                const char *vm, char **task);

/* What every source's list_vms reports to (list_vms.c sets it up). */
#define V2V_MAX_VMS 5000
struct v2v_lister {
  struct run *run;
  const char *dc;
  /* An entry of directory dir of datastore ds: if it is a .vmx file, the
   * VM it describes goes to the front end (and found counts it).
   */
  void (*file) (struct v2v_lister *l, const char *ds, const char *dir,
                const char *name, bool is_dir);
  v2v_found_vm_fn fn;
  void *opaque;
  size_t found;             /* .vmx files reported, up to V2V_MAX_VMS */
  bool nomem;               /* an entry was skipped: out of memory */
};

/* nbdkit_args.c: nbdkit's command line as it is built; argv points at
 * static strings and at the ones in owned (freed by nbdkit.c).
 */
DEFINE_VECTOR_TYPE (v2v_argv_vector, const char *);
DEFINE_VECTOR_TYPE (v2v_owned_vector, char *);
struct v2v_nbdkit_args {
  struct v2v_argv_vector argv;
  struct v2v_owned_vector owned;
};
/* Append s (not copied), or "key=value" (copied); -1 with the error set. */
extern int v2v_nbdkit_arg (struct v2v_nbdkit_args *a, const char *s);
extern int v2v_nbdkit_kv (struct v2v_nbdkit_args *a, const char *key,
                          const char *value);
/* password=+FILE, if the source has a password. */
extern int v2v_nbdkit_password (struct run *run, struct v2v_nbdkit_args *a);
/* Our plugin NAME (plugin/: "v2vhttps", "v2vsftp") with connections=N
 * (options --connections) and its retries. */
extern int v2v_nbdkit_our_plugin (struct run *run, struct v2v_nbdkit_args *a,
                                  const char *name);

/* nbdkit.c */
extern int v2v_nbdkit_start (struct run *run, struct disk_state *d, size_t i);
extern void v2v_nbdkit_stop (struct disk_state *d);

/* overlay.c */
#define V2V_OVERLAY_CLUSTER 65536
extern int v2v_overlay_create (struct run *run, struct disk_state *d,
                               size_t i);
extern int v2v_overlay_zero_unused (struct run *run, struct disk_state *d);

/* vmx_dict.c */
struct v2v_dict_pair {
  char *key, *value;
  unsigned line;                /* 1-based, for messages */
};
/* The pairs of a file and an index over them: the pairs sorted by key
 * in any case (keys are case-insensitive), one entry per key.  A key
 * given twice is an error in VMware's own reader (Workstation and
 * Fusion refuse to open such a file: hashicorp/vagrant#2597,
 * cloudfoundry-attic/bosh-lite#61), so the index also records the
 * first key given twice with two different values (conflict) and one
 * given twice with the same value (same).  A lookup is a binary search,
 * so a file of the largest size parses in a fraction of a second
 * whatever its keys (a hash table could be made to collide).
 */
struct v2v_dict {
  struct v2v_dict_pair *pairs;  /* in file order */
  int nr_pairs;
  int *order;                   /* indexes into pairs, by key */
  int nr_order;
  int conflict[2];              /* -1, or two pairs, same key, values differ */
  int same;                     /* -1, or a pair whose key and value repeat */
};
/* Returns 0 or -1 (out of memory); d is freed with v2v_dict_free
 * either way.
 */
extern int v2v_dict_parse (const char *text, size_t len, struct v2v_dict *d);
extern void v2v_dict_free (struct v2v_dict *d);
/* The value of the key's last assignment, in any case, or NULL. */
extern const char *v2v_dict_get (const struct v2v_dict *d, const char *key);
/* TRUE, true, 1 (and not absent). */
extern bool v2v_dict_get_bool (const struct v2v_dict *d, const char *key);
/* A decimal from 1 to max into *ret; false if absent or not one. */
extern bool v2v_dict_get_uint (const struct v2v_dict *d, const char *key,
                               unsigned max, unsigned *ret);

/* vmx.c */
struct v2v_vmx_disk {
  int ctrl;                 /* 0 scsi, 1 sata, 2 nvme, 3 ide */
  unsigned bus, unit;
  char *file;               /* as written: relative or /vmfs/volumes/... */
};
struct v2v_vmx_nic {
  char *mac;                /* lower case, or NULL if none or malformed */
  char *network;            /* "" if none */
  char *model;
};
#define V2V_VMX_MAX_NOTES 8
struct v2v_vmx {
  char *name, *guest_os;
  unsigned memory_mib, vcpus;   /* as VMware runs it: 32 MiB, 1 if absent */
  enum v2v_firmware firmware;
  struct v2v_vmx_disk *disks;   /* in controller, bus, unit order */
  size_t nr_disks;
  struct v2v_vmx_nic *nics;
  size_t nr_nics;
  /* What the conversion should tell the operator (a device skipped, a
   * default taken): whole sentences without the file's own strings.
   */
  char notes[V2V_VMX_MAX_NOTES][200];
  size_t nr_notes;
};
extern int v2v_vmx_parse (const char *text, size_t len, struct v2v_vmx *vmx,
                          char *err, size_t errlen);
extern void v2v_vmx_free (struct v2v_vmx *vmx);
extern char *v2v_vmdk_extent (const char *text, size_t len, char *err,
                              size_t errlen);

/* listing.c */
/* Decodes %XX in place; returns -1 if that gave a NUL byte, else 0. */
extern int v2v_percent_decode (char *s);
/* One entry of a listing page: its decoded name, and whether it is a
 * directory.  Returns 0 to go on, non-zero to stop.
 */
typedef int (*v2v_listing_fn) (const char *name, bool is_dir, void *opaque);
/* Calls fn for each entry page links to (want_ds: a dsName= link gives
 * that datastore's name).  page is modified.
 */
extern void v2v_listing_parse (char *page, bool want_ds, v2v_listing_fn fn,
                               void *opaque);

/* source_vmx.c */
extern int v2v_vm_from_vmx (struct run *run);
extern char *v2v_vmx_resolve (const char *vmx_path, const char *file);
extern int v2v_vm_from_config (struct run *run);

#endif
