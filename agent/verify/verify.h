/* v2vboot engine, the verify stage: the converted VM booted once, isolated,
 * behind throwaway overlays, and the signs of life it gave (agent/verify/).
 * Included by internal.h after the shared structures.
 */
#ifndef V2V_VERIFY_H
#define V2V_VERIFY_H

#define V2V_VERIFY_DEFAULT_TIMEOUT 300  /* seconds: TCG boots take ~1 min */

/* What one boot showed (verify_watch.c fills it, verify_report.c says it). */
/* The death of a kernel whose timer check failed: under TCG, an emulated
 * CPU starved by a loaded host (never the conversion's doing), so the
 * stage boots again.
 */
#define V2V_VERIFY_TIMER_PANIC "a kernel panic at its timer check"
#define V2V_VERIFY_TCG_TRIES 3
#define V2V_VERIFY_RESET_LOOP 3     /* resets that make a loop */

struct v2v_verify_signs {
  uint64_t packets;         /* frames the guest's NICs sent */
  unsigned resets;          /* resets the guest asked for */
  bool login;               /* a login prompt on the serial console */
  bool agent;               /* the qemu guest agent answered */
  bool shutdown;            /* the guest powered itself off */
  bool qemu_died;           /* qemu ended on its own */
  const char *death;        /* a known failure on the console, or NULL */
  double seconds;           /* from qemu's start to the decision */
  bool kvm;                 /* booted with KVM (else TCG) */
};

/* The VM to boot: the defined domain's devices, overlays for its disks. */
struct v2v_verify_vm {
  const struct v2v_domain *dom;
  char **overlays;          /* qcow2 over each converted disk */
  const char *workdir;      /* sockets, captures, the serial log */
  const char *code, *vars;  /* UEFI: firmware code, fresh variables copy */
  bool kvm;
};

/* verify.c: the stage.  0 if it booted (or report-only), -1 (error set,
 * the converted VM left as it is) if not; the report in run->verify_text.
 */
extern int v2v_verify_boot (struct run *run);

/* verify_local.c: the test boot on this host, with qemu (the directory
 * destination's verify op).
 */
extern int v2v_verify_local (struct run *run, const struct v2v_domain *dom,
                             unsigned timeout, const char *shot,
                             struct v2v_verify_signs *signs);

/* verify_libvirt.c: the test boot on the libvirt destination's host, as
 * a transient domain on an isolated network (the libvirt verify op).
 */
extern int v2v_verify_libvirt (struct run *run, const struct v2v_domain *dom,
                               unsigned timeout, const char *shot,
                               struct v2v_verify_signs *signs);

/* verify_png.c: a PPM screenshot (libvirt's qemu driver gives one) as
 * PNG.  0, or -1 (error set) if ppm is not a P6 image we can read.
 */
extern int v2v_ppm_to_png (const char *ppm, size_t len,
                           struct v2v_strbuf *png);

/* verify_overlay.c: a qcow2 overlay per converted disk, and their end. */
extern char **v2v_verify_overlays (struct run *run);
extern void v2v_verify_remove_overlays (char **overlays);

/* verify_firmware.c: UEFI code and a fresh copy of its variables. */
extern int v2v_verify_uefi (struct run *run, char **code, char **vars);
extern int v2v_verify_copy_file (const char *from, const char *to);

/* verify_accel.c: KVM if it works here and is not refused, else TCG. */
extern bool v2v_verify_use_kvm (void);
extern bool v2v_verify_kvm_refused (void);

/* verify_qemu.c: the qemu command line.  Caller frees (CLEANUP_FREE_STRV). */
extern char **v2v_verify_qemu_argv (const struct v2v_verify_vm *vm);

/* qmp.c: a QMP (or guest agent) connection to a local socket. */
struct v2v_qmp;
extern struct v2v_qmp *v2v_qmp_connect (const char *path, double timeout);
extern int v2v_qmp_send (struct v2v_qmp *q, const char *json);
/* Calls fn for each line read within timeout seconds, until fn returns
 * non-zero (returned) or nothing is left (0); -1 if the socket closed.
 */
typedef int (*v2v_qmp_line_fn) (const char *line, void *opaque);
extern int v2v_qmp_read (struct v2v_qmp *q, double timeout,
                         v2v_qmp_line_fn fn, void *opaque);
extern void v2v_qmp_close (struct v2v_qmp *q);

/* verify_signs.c: pure readers of what qemu and the guest wrote. */
struct v2v_pcap_count {
  uint64_t offset;          /* bytes of the capture read so far */
  uint64_t frames;
};
extern int v2v_pcap_count (struct v2v_pcap_count *c, const char *buf,
                           size_t len);
struct v2v_console_scan {
  char tail[64];            /* the end of what was scanned, for matches
                               across reads */
  bool login;               /* a login prompt is (or was) on the console */
  bool login_seen;          /* a whole line with one was */
  const char *death;
};
extern void v2v_console_scan (struct v2v_console_scan *s, const char *buf,
                              size_t len);

/* verify_watch.c: boot, watch until a decision, screenshot, stop. */
extern int v2v_verify_watch (struct run *run, const struct v2v_verify_vm *vm,
                             unsigned timeout, const char *screenshot,
                             struct v2v_verify_signs *signs);

/* verify_report.c: enough seen to stop watching before the timeout?
 * alive_at: when the login prompt or the agent was first seen, or 0.
 */
extern bool v2v_verify_decided (const struct v2v_verify_signs *s,
                                size_t nr_nics, double alive_at);

/* verify_report.c: "booted in 31 s (NIC sent 12 packets, ...)".  Caller
 * frees.
 */
extern bool v2v_verify_booted (const struct v2v_verify_signs *s,
                               size_t nr_nics);
extern char *v2v_verify_report (const struct v2v_verify_signs *s,
                                size_t nr_nics, const char *screenshot);

#endif
