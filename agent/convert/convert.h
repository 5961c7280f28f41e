/* v2vboot engine, the conversion of Linux and Windows guests (agent/convert/).
 * Included by internal.h after the shared structures.
 */
#ifndef V2V_CONVERT_H
#define V2V_CONVERT_H

/* devname.c */
struct v2v_devmap {
  char *old;                /* "/dev/sda1" */
  char *new;                /* "UUID=..." or "/dev/vda1" */
};
extern size_t v2v_old_devname_at (const char *s, const char *p);
extern char *v2v_rewrite_devices (const char *text,
                                  const struct v2v_devmap *map, size_t nr,
                                  size_t *changes);
extern const char *v2v_find_old_devname (const char *text, char *buf,
                                         size_t buflen);
extern char *v2v_virtio_name (const char *old,
                               enum v2v_block_driver driver);

/* grub_plan.c */
extern char *v2v_grub_enable_uuid (const char *text, bool *changed);
extern char *v2v_grubenv_rewrite (const char *text,
                                  const struct v2v_devmap *map, size_t nr,
                                  size_t *changes, bool *fits);
extern char **v2v_grub_mkconfig_command (bool has_grub2_mkconfig,
                                         const char *path);
extern bool v2v_grub_cfg_has_entries (const char *text);

/* linux_plan.c */
enum v2v_initrd_tool {
  V2V_INITRD_UNKNOWN, V2V_INITRD_INITRAMFS_TOOLS, V2V_INITRD_DRACUT
};
extern const char *const v2v_virtio_modules[];
extern const char v2v_dracut_conf_path[];
extern enum v2v_initrd_tool v2v_initrd_tool_for (const char *distro,
                                                 bool has_dracut,
                                                 bool has_update_initramfs);
extern char *v2v_initramfs_modules_add (const char *text, bool *changed);
extern char *v2v_dracut_conf (void);
extern char **v2v_initrd_command (enum v2v_initrd_tool tool,
                                  const char *kver, const char *initrd);
extern int v2v_nic_names_add (const char *text, char ***names, size_t *nr);
extern int v2v_nic_names_add_file (const char *path, const char *text,
                                   char ***names, size_t *nr);
extern const char *v2v_nic_file_mac (const char *text, char *buf,
                                     size_t len);
extern int v2v_nic_file_add (const char *path, const char *text,
                             char ***names, size_t *nr, char ***bound_names,
                             char ***bound_macs, size_t *nbound);
extern void v2v_nic_order (char *const *names, size_t nr,
                           char *const *bound_names, char *const *bound_macs,
                           size_t nbound, char *const *vm_macs, size_t nics,
                           int *order);
extern char *v2v_link_file (const char *mac, const char *name);
extern char *v2v_udev_net_rule (const char *mac, const char *name);
extern bool v2v_is_vmware_tools_package (const char *name);
enum v2v_efi_fallback {
  V2V_EFI_HAS_FALLBACK, V2V_EFI_COPY, V2V_EFI_NO_LOADER, V2V_EFI_OOM
};
extern enum v2v_efi_fallback v2v_efi_fallback_plan (char *const *files,
                                                    const char *distro,
                                                    char ***copies);

/* registry.c */
extern int v2v_reg_open (struct run *run, const char *hive, bool write);
extern int v2v_reg_close (struct run *run, bool commit);
extern int64_t v2v_reg_path (struct run *run, int64_t node, const char *path,
                             bool create);
extern int v2v_reg_set_string (struct run *run, int64_t node,
                               const char *key, int type, const char *s);
extern int v2v_reg_set_multi (struct run *run, int64_t node, const char *key,
                              const char *const *strs);
extern int v2v_reg_set_dword (struct run *run, int64_t node, const char *key,
                              uint32_t v);
extern int v2v_reg_set_binary (struct run *run, int64_t node,
                               const char *key, const void *data,
                               size_t len);
extern char *v2v_reg_get_string (struct run *run, int64_t node,
                                 const char *key);
extern char **v2v_reg_get_multi (struct run *run, int64_t node,
                                 const char *key);
extern int v2v_reg_get_dword (struct run *run, int64_t node, const char *key,
                              uint32_t *out);

/* windows_plan.c */
struct v2v_win_firstboot {
  const char *driver_dir;   /* under %SystemRoot%, or NULL */
  const char *guest_agent;  /* MSI beside the script, or NULL */
  char **uninstall;         /* MSI product codes to remove */
  const struct v2v_win_ip *ips;
  size_t nr_ips;
};
extern const char *const *v2v_win_os_dirs (int major, int minor, bool server,
                                           int build);
extern bool v2v_win_hiberfil_in_use (const char *hdr, size_t len);
extern bool v2v_win_is_bitlocker (const char *sector, size_t len);
extern bool v2v_win_is_ldm (int mbr_id, const char *gpt_type);
extern char *v2v_win_msi_product (const char *uninstall);
extern char *v2v_win_firstboot_script (const struct v2v_win_firstboot *fb);

/* virtio_win.c */
extern int v2v_virtio_win_prepare (struct run *run);
extern int v2v_virtio_win_install (struct run *run, const char *driver_dir,
                                   char **boot_driver, char **guest_agent);

/* convert_windows.c */
extern int v2v_convert_windows (struct run *run);

/* linux_guest_files.c: the Linux conversion's access to the guest. */
struct guestfs_h;
/* Existing regular files matching pattern (NULL-terminated; caller frees). */
extern char **v2v_guest_glob_files (struct guestfs_h *g, const char *pattern);
extern bool v2v_guest_exists (struct guestfs_h *g, const char *path);
/* A text file whole, or NULL (absent, unreadable or binary). */
extern char *v2v_guest_read_text (struct guestfs_h *g, const char *path);
extern int v2v_guest_write_text (struct run *run, const char *path,
                                 const char *text);
/* argv in the guest's chroot; an error carries the command's output. */
extern int v2v_guest_command (struct run *run, char **argv);

/* linux_nics.c */
extern int v2v_linux_keep_nic_names (struct run *run);

/* linux_efi.c */
extern int v2v_linux_efi_fallback (struct run *run);

/* convert_linux.c */
extern int v2v_convert_linux (struct run *run);

/* linux_devices.c: what the domain may give the guest (agent, RNG). */
extern void v2v_linux_devices (struct run *run, char **kernels);
extern bool v2v_kernel_has_module (struct guestfs_h *g, const char *kver,
                                   const char *pattern);

#endif
