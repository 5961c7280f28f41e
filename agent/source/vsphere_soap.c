/* The vSphere Web Services API over SOAP: requests POSTed to
 * https://SERVER/sdk with the engine's trust (v2v_curl_new: a pinned
 * thumbprint, --cacert or --insecure), answers parsed by vsphere_xml.c,
 * faults turned into engine errors with a kind.  A session is
 * RetrieveServiceContent, then Login (the password only in that POST's
 * body: never in a URL, a log line or an event; -v logs the method
 * names only), then the vmware_soap_session cookie on every request, and
 * Logout when it ends (v2v_vsphere_logout, on every path: the source's
 * close).  The inventory is one ContainerView of the root folder read
 * with RetrievePropertiesEx page by page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/tree.h>

#include "internal.h"

#define ENVELOPE_HEAD \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" \
  "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"" \
  " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"" \
  " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"
#define ENVELOPE_TAIL "</soapenv:Body></soapenv:Envelope>"
#define PAGE_OBJECTS 500
#define MAX_COOKIE 512

/* A fault of method as an engine error with its kind; returns -1. */
static int
fault_error (struct v2v_vsphere *vs, const char *method, const char *name,
             const char *text)
{
  const struct v2v_source *src = &vs->run->cfg->source;

  if (strcmp (name, "InvalidLogin") == 0)
    v2v_error_kind (V2V_ERR_AUTH, NULL,
                    "%s: vSphere login refused: wrong user or password for "
                    "'%s' (InvalidLogin)", src->server,
                    src->user ? src->user : "");
  else if (strcmp (name, "NoPermission") == 0 ||
           strcmp (name, "NotAuthenticated") == 0)
    v2v_error_kind (V2V_ERR_AUTH, NULL,
                    "%s: vSphere %s: user '%s' may not do that (%s: %s)",
                    src->server, method, src->user ? src->user : "", name,
                    text);
  else if (strcmp (name, "ManagedObjectNotFound") == 0)
    v2v_error_kind (V2V_ERR_NOT_FOUND, NULL,
                    "%s: vSphere %s: the object is gone (%s: %s)",
                    src->server, method, name, text);
  else
    v2v_error ("%s: vSphere %s failed: %s%s%s", src->server, method,
               name[0] ? name : "", name[0] ? ": " : "", text);
  return -1;
}

/* The vmware_soap_session cookie of a Login's answer into vs->cookie. */
static int
keep_cookie (struct v2v_vsphere *vs, CURL *curl)
{
  struct curl_header *h;
  size_t i = 0;

  while (curl_easy_header (curl, "Set-Cookie", i++, CURLH_HEADER, -1, &h)
         == CURLHE_OK) {
    const char *v = h->value;
    size_t n;
    if (strncmp (v, "vmware_soap_session=", 20) != 0)
      continue;
    n = strcspn (v, "; \t");
    if (n <= 20 || n > MAX_COOKIE || strcspn (v, "\r\n") < n)
      break;
    free (vs->cookie);
    vs->cookie = strndup (v, n);
    if (vs->cookie == NULL)
      return v2v_oom ();
    return 0;
  }
  v2v_error ("%s: vSphere login: the server gave no vmware_soap_session "
             "cookie", vs->run->cfg->source.server);
  return -1;
}

/* POST body (the Body's content) as method; the answer parsed, or NULL
 * with the error set (a fault as its kind).  want_cookie: keep the
 * session cookie it sets (Login).
 */
static xmlDoc *
call (struct v2v_vsphere *vs, const char *method, const char *body,
      bool want_cookie)
{
  struct run *run = vs->run;
  char errbuf[CURL_ERROR_SIZE] = "", err[200];
  struct v2v_curl_body b = { .max = V2V_VS_MAX_ANSWER };
  struct curl_slist *hdrs = NULL;
  char *envelope = NULL;
  CLEANUP_FREE char *fname = NULL, *ftext = NULL;
  xmlDoc *doc = NULL;
  long code = 0;
  CURLcode rc;
  CURL *curl;

  v2v_debug ("vsphere: %s", method);   /* never the body: a password */
  if (asprintf (&envelope, ENVELOPE_HEAD "%s" ENVELOPE_TAIL, body) == -1) {
    v2v_oom ();
    return NULL;
  }
  curl = v2v_curl_new (vs->url, &(struct v2v_curl_setup) {
      .connect_timeout = 15, .timeout = 300, .source = run,
      .errbuf = errbuf });
  if (curl == NULL)
    goto out;
  /* the API's login is Login: no basic auth header with the password */
  curl_easy_setopt (curl, CURLOPT_HTTPAUTH, CURLAUTH_NONE);
  curl_easy_setopt (curl, CURLOPT_USERNAME, NULL);
  curl_easy_setopt (curl, CURLOPT_PASSWORD, NULL);
  hdrs = curl_slist_append (hdrs, "Content-Type: text/xml; charset=utf-8");
  hdrs = curl_slist_append (hdrs, "SOAPAction: \"urn:vim25/6.5\"");
  if (hdrs == NULL) {
    v2v_oom ();
    goto out;
  }
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, envelope);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, (long) strlen (envelope));
  if (vs->cookie)
    curl_easy_setopt (curl, CURLOPT_COOKIE, vs->cookie);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, v2v_curl_collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &b);
  rc = curl_easy_perform (curl);
  if (b.nomem) {
    v2v_oom ();
    goto out;
  }
  if (b.too_big) {
    v2v_error ("%s: vSphere %s: answer larger than %d bytes",
               run->cfg->source.server, method, V2V_VS_MAX_ANSWER);
    goto out;
  }
  if (rc != CURLE_OK) {
    v2v_https_transport_error (run, rc, errbuf);
    goto out;
  }
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &code);
  doc = b.buf ? v2v_vs_parse (b.buf, b.len, err, sizeof err) : NULL;
  if (doc == NULL) {
    if (code == 404)
      v2v_error_kind (V2V_ERR_NOT_FOUND, NULL, "%s: no vSphere API at %s "
                      "(HTTP 404): is it an ESXi host or a vCenter?",
                      run->cfg->source.server, vs->url);
    else if (code != 200)
      v2v_error ("%s: vSphere %s: HTTP %ld", run->cfg->source.server,
                 method, code);
    else
      v2v_error ("%s: vSphere %s: %s", run->cfg->source.server, method,
                 b.buf ? err : "empty answer");
    goto out;
  }
  switch (v2v_vs_fault (doc, &fname, &ftext)) {
  case -1:
    v2v_oom ();
    goto fail;
  case 1:
    fault_error (vs, method, fname, ftext);
    goto fail;
  }
  if (code != 200 || v2v_vs_body (doc) == NULL) {
    v2v_error ("%s: vSphere %s: HTTP %ld, not a SOAP answer",
               run->cfg->source.server, method, code);
    goto fail;
  }
  if (want_cookie && keep_cookie (vs, curl) == -1)
    goto fail;
  goto out;
 fail:
  xmlFreeDoc (doc);
  doc = NULL;
 out:
  if (envelope) {
    explicit_bzero (envelope, strlen (envelope));
    free (envelope);
  }
  free (b.buf);
  curl_slist_free_all (hdrs);
  if (curl)
    curl_easy_cleanup (curl);
  return doc;
}

/* call, with the answer not needed. */
static int
call_void (struct v2v_vsphere *vs, const char *method, const char *body)
{
  xmlDoc *doc = call (vs, method, body, false);

  xmlFreeDoc (doc);
  return doc ? 0 : -1;
}

static void
vs_free (struct v2v_vsphere *vs)
{
  free (vs->url);
  if (vs->cookie) {
    explicit_bzero (vs->cookie, strlen (vs->cookie));
    free (vs->cookie);
  }
  v2v_vs_service_free (&vs->sc);
  free (vs);
}

/* A session: the service content, then Login with the run's user and
 * password.  Returns it (end it with v2v_vsphere_logout) or NULL with
 * the error set.
 */
struct v2v_vsphere *
v2v_vsphere_login (struct run *run)
{
  const struct v2v_source *src = &run->cfg->source;
  struct v2v_vsphere *vs = calloc (1, sizeof *vs);
  CLEANUP_FREE char *user = NULL, *sm = NULL, *body = NULL;
  char *pw = NULL;
  char err[200];
  xmlDoc *doc;

  if (vs == NULL) {
    v2v_oom ();
    return NULL;
  }
  vs->run = run;
  if (asprintf (&vs->url, "https://%s/sdk", src->server) == -1) {
    vs->url = NULL;
    goto nomem;
  }
  doc = call (vs, "RetrieveServiceContent",
              "<RetrieveServiceContent xmlns=\"urn:vim25\"><_this type=\""
              "ServiceInstance\">ServiceInstance</_this>"
              "</RetrieveServiceContent>", false);
  if (doc == NULL)
    goto fail;
  if (v2v_vs_service_content (doc, &vs->sc, err, sizeof err) == -1) {
    xmlFreeDoc (doc);
    v2v_error ("%s: %s", src->server, err);
    goto fail;
  }
  xmlFreeDoc (doc);
  v2v_debug ("vsphere: %s (%s)", vs->sc.full_name ? vs->sc.full_name : "?",
             vs->sc.api_type ? vs->sc.api_type : "?");
  user = v2v_vs_escape (src->user ? src->user : "");
  sm = v2v_vs_escape (vs->sc.session_manager);
  pw = v2v_vs_escape (run->password ? run->password : "");
  if (user == NULL || sm == NULL || pw == NULL ||
      asprintf (&body, "<Login xmlns=\"urn:vim25\"><_this type=\""
                "SessionManager\">%s</_this><userName>%s</userName>"
                "<password>%s</password></Login>", sm, user, pw) == -1) {
    body = NULL;
    goto nomem;
  }
  doc = call (vs, "Login", body, true);
  explicit_bzero (body, strlen (body));
  if (doc == NULL)
    goto fail;
  xmlFreeDoc (doc);
  explicit_bzero (pw, strlen (pw));
  free (pw);
  return vs;
 nomem:
  v2v_oom ();
 fail:
  if (pw) {
    explicit_bzero (pw, strlen (pw));
    free (pw);
  }
  vs_free (vs);
  return NULL;
}

/* End the session (Logout) and free vs; NULL is fine.  A failed Logout
 * is only logged: the session times out on the server.
 */
void
v2v_vsphere_logout (struct v2v_vsphere *vs)
{
  CLEANUP_FREE char *sm = NULL, *body = NULL;

  if (vs == NULL)
    return;
  if (vs->cookie && (sm = v2v_vs_escape (vs->sc.session_manager)) &&
      asprintf (&body, "<Logout xmlns=\"urn:vim25\"><_this type=\""
                "SessionManager\">%s</_this></Logout>", sm) != -1) {
    CLEANUP_FREE char *saved = v2v_last_error ()
      ? strdup (v2v_last_error ()) : NULL;
    CLEANUP_FREE char *detail = strdup (v2v_last_error_detail ());
    enum v2v_error_kind kind = v2v_last_error_kind ();
    char *colon = saved ? strstr (saved, ": ") : NULL;

    if (call_void (vs, "Logout", body) == -1)
      v2v_debug ("vsphere: Logout failed: %s", v2v_last_error ());
    v2v_clear_error ();
    if (colon) {                /* the error that made us leave stays */
      const char *stage = v2v_stage ();
      *colon = '\0';
      v2v_set_stage (saved);
      v2v_error_kind (kind, detail && detail[0] ? detail : NULL, "%s",
                      colon + 2);
      v2v_set_stage (stage);
    }
  }
  else
    body = NULL;
  vs_free (vs);
}

/* The PropertySpecs of the inventory: what every object, and what each
 * VM and port group gives; and the few that find a VM and its state.
 */
static const char find_props[] =
  "<propSet><type>ManagedEntity</type><pathSet>name</pathSet>"
  "<pathSet>parent</pathSet></propSet>"
  "<propSet><type>VirtualMachine</type><pathSet>name</pathSet>"
  "<pathSet>parent</pathSet><pathSet>runtime.powerState</pathSet>"
  "<pathSet>summary.config.vmPathName</pathSet></propSet>";
static const char inventory_props[] =
  "<propSet><type>ManagedEntity</type><pathSet>name</pathSet>"
  "<pathSet>parent</pathSet></propSet>"
  "<propSet><type>VirtualMachine</type><pathSet>name</pathSet>"
  "<pathSet>parent</pathSet><pathSet>runtime.powerState</pathSet>"
  "<pathSet>config.guestId</pathSet><pathSet>summary.config.vmPathName"
  "</pathSet><pathSet>config.hardware.device</pathSet>"
  "<pathSet>config.firmware</pathSet><pathSet>config.hardware.memoryMB"
  "</pathSet><pathSet>config.hardware.numCPU</pathSet>"
  "<pathSet>snapshot</pathSet><pathSet>config.changeTrackingEnabled"
  "</pathSet></propSet>"
  "<propSet><type>DistributedVirtualPortgroup</type><pathSet>name</pathSet>"
  "<pathSet>parent</pathSet><pathSet>key</pathSet></propSet>";

/* Read every page of a RetrievePropertiesEx whose specSet is spec into
 * inv.  0 or -1 with the error set.
 */
static int
retrieve (struct v2v_vsphere *vs, const char *spec,
          struct v2v_vs_inventory *inv)
{
  CLEANUP_FREE char *pc = v2v_vs_escape (vs->sc.property_collector);
  char *body = NULL, *token = NULL;
  const char *method = "RetrievePropertiesEx";
  char err[200];
  int ret = -1;

  if (pc == NULL ||
      asprintf (&body, "<RetrievePropertiesEx xmlns=\"urn:vim25\"><_this "
                "type=\"PropertyCollector\">%s</_this><specSet>%s</specSet>"
                "<options><maxObjects>%d</maxObjects></options>"
                "</RetrievePropertiesEx>", pc, spec, PAGE_OBJECTS) == -1)
    return v2v_oom ();
  for (;;) {
    xmlDoc *doc = call (vs, method, body, false);
    int r;
    free (body);
    body = NULL;
    free (token);
    token = NULL;
    if (doc == NULL)
      goto out;
    r = v2v_vs_parse_objects (doc, inv, &token, err, sizeof err);
    xmlFreeDoc (doc);
    if (r == -1) {
      v2v_error ("%s: vSphere %s: %s", vs->run->cfg->source.server, method,
                 err);
      goto out;
    }
    if (token == NULL)
      break;
    {
      CLEANUP_FREE char *t = v2v_vs_escape (token);
      method = "ContinueRetrievePropertiesEx";
      if (t == NULL ||
          asprintf (&body, "<ContinueRetrievePropertiesEx xmlns=\"urn:vim25\">"
                    "<_this type=\"PropertyCollector\">%s</_this><token>%s"
                    "</token></ContinueRetrievePropertiesEx>", pc, t) == -1) {
        body = NULL;
        v2v_oom ();
        goto out;
      }
    }
  }
  ret = 0;
 out:
  free (body);
  free (token);
  return ret;
}

/* The whole inventory (datacenters, folders, clusters, hosts, VMs, port
 * groups) into inv, paths worked out; each VM with all we know of it
 * (full), or only its name, .vmx and power state.  0 or -1 with the
 * error set.
 */
int
v2v_vsphere_inventory (struct v2v_vsphere *vs, struct v2v_vs_inventory *inv,
                       bool full)
{
  CLEANUP_FREE char *vm = v2v_vs_escape (vs->sc.view_manager);
  CLEANUP_FREE char *root = v2v_vs_escape (vs->sc.root_folder);
  CLEANUP_FREE char *body = NULL, *view = NULL, *ev = NULL, *spec = NULL;
  xmlDoc *doc;
  int r;

  if (vm == NULL || root == NULL ||
      asprintf (&body, "<CreateContainerView xmlns=\"urn:vim25\"><_this "
                "type=\"ViewManager\">%s</_this><container type=\"Folder\">"
                "%s</container><recursive>true</recursive>"
                "</CreateContainerView>", vm, root) == -1) {
    body = NULL;
    return v2v_oom ();
  }
  doc = call (vs, "CreateContainerView", body, false);
  if (doc == NULL)
    return -1;
  view = v2v_vs_returnval (doc);
  xmlFreeDoc (doc);
  if (view == NULL || (ev = v2v_vs_escape (view)) == NULL)
    return v2v_oom ();
  if (asprintf (&spec, "%s<objectSet><obj type=\"ContainerView\">%s</obj>"
                "<skip>true</skip><selectSet xsi:type=\"TraversalSpec\">"
                "<name>view</name><type>ContainerView</type><path>view</path>"
                "<skip>false</skip></selectSet></objectSet>",
                full ? inventory_props : find_props, ev) == -1) {
    spec = NULL;
    return v2v_oom ();
  }
  r = retrieve (vs, spec, inv);
  free (body);
  if (asprintf (&body, "<DestroyView xmlns=\"urn:vim25\"><_this type=\""
                "ContainerView\">%s</_this></DestroyView>", ev) == -1)
    body = NULL;
  else if (call_void (vs, "DestroyView", body) == -1 && r == 0)
    r = -1;
  if (r == 0 && v2v_vs_finish (inv) == -1)
    r = v2v_oom ();
  return r;
}

/* Some properties (props, NULL-terminated) of one object, type/id, into
 * inv (a VM's runtime.powerState, a task's info.state).  0 or -1.
 */
int
v2v_vsphere_vm_props (struct v2v_vsphere *vs, const char *type,
                      const char *id, const char *const *props,
                      struct v2v_vs_inventory *inv)
{
  struct v2v_strbuf sb = { 0 };
  CLEANUP_FREE char *spec = NULL, *t = v2v_vs_escape (type);
  CLEANUP_FREE char *i = v2v_vs_escape (id);

  if (t == NULL || i == NULL)
    return v2v_oom ();
  v2v_sb_printf (&sb, "<propSet><type>%s</type>", t);
  for (; *props; ++props)
    v2v_sb_printf (&sb, "<pathSet>%s</pathSet>", *props);
  v2v_sb_printf (&sb, "</propSet><objectSet><obj type=\"%s\">%s</obj>"
                 "<skip>false</skip></objectSet>", t, i);
  spec = v2v_sb_finish (&sb);
  if (spec == NULL)
    return v2v_oom ();
  return retrieve (vs, spec, inv);
}

/* A method on VM vm (ShutdownGuest, PowerOffVM_Task): *task (caller
 * frees) is the task it started, when task is not NULL.  0 or -1.
 */
int
v2v_vsphere_vm_call (struct v2v_vsphere *vs, const char *method,
                     const char *vm, char **task)
{
  CLEANUP_FREE char *id = v2v_vs_escape (vm), *body = NULL;
  xmlDoc *doc;

  if (id == NULL ||
      asprintf (&body, "<%s xmlns=\"urn:vim25\"><_this type=\""
                "VirtualMachine\">%s</_this></%s>", method, id, method) == -1) {
    body = NULL;
    return v2v_oom ();
  }
  doc = call (vs, method, body, false);
  if (doc == NULL)
    return -1;
  if (task && (*task = v2v_vs_returnval (doc)) == NULL) {
    xmlFreeDoc (doc);
    v2v_error ("%s: vSphere %s: no task in the answer",
               vs->run->cfg->source.server, method);
    return -1;
  }
  xmlFreeDoc (doc);
  return 0;
}
