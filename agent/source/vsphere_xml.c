/* The XML of the vSphere Web Services API, with libxml2 and nothing else
 * (no network, no engine state, so that unit tests and the fuzz target
 * call it on saved answers): a server's answer parsed safely (bounded,
 * no network, no DTD so no entity can expand), elements found by local
 * name, a SOAP fault's name and text, the service content's references,
 * the state of a task, and text escaped for a request.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "internal.h"

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

/* Parse an answer of len bytes.  Refused: more than V2V_VS_MAX_ANSWER
 * bytes, not well-formed, any DTD (internal or external: entities are
 * never declared, so never expanded).  Returns the document (the caller
 * frees it with xmlFreeDoc) or NULL with why in err.
 */
xmlDoc *
v2v_vs_parse (const char *xml, size_t len, char *err, size_t errlen)
{
  xmlDoc *doc;

  if (len > V2V_VS_MAX_ANSWER || len > INT_MAX) {
    snprintf (err, errlen, "answer larger than %d bytes", V2V_VS_MAX_ANSWER);
    return NULL;
  }
  doc = xmlReadMemory (xml, (int) len, "vsphere-answer.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR |
                       XML_PARSE_NOWARNING);
  if (doc == NULL) {
    snprintf (err, errlen, "the answer is not well-formed XML");
    return NULL;
  }
  if (doc->intSubset || doc->extSubset) {
    xmlFreeDoc (doc);
    snprintf (err, errlen, "the answer has a DTD (refused)");
    return NULL;
  }
  if (xmlDocGetRootElement (doc) == NULL) {
    xmlFreeDoc (doc);
    snprintf (err, errlen, "the answer is empty");
    return NULL;
  }
  return doc;
}

/* Is n the element local (any namespace)? */
bool
v2v_vs_is (const xmlNode *n, const char *local)
{
  return n && n->type == XML_ELEMENT_NODE && n->name &&
    strcmp ((const char *) n->name, local) == 0;
}

/* The first element child of n named local, or NULL. */
xmlNode *
v2v_vs_child (const xmlNode *n, const char *local)
{
  xmlNode *c;

  for (c = n ? n->children : NULL; c; c = c->next)
    if (v2v_vs_is (c, local))
      return c;
  return NULL;
}

/* The first element child of n, whatever its name, or NULL. */
xmlNode *
v2v_vs_first (const xmlNode *n)
{
  xmlNode *c;

  for (c = n ? n->children : NULL; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE)
      return c;
  return NULL;
}

/* The text of n (caller frees), "" when it has none; NULL if n is NULL
 * or out of memory.
 */
char *
v2v_vs_text (const xmlNode *n)
{
  xmlChar *t;
  char *s;

  if (n == NULL)
    return NULL;
  t = xmlNodeGetContent (n);
  s = strdup (t ? (const char *) t : "");
  xmlFree (t);
  return s;
}

/* An attribute of n: xsi:type when xsi, else the plain attribute name
 * (a reference's type="Folder").  Caller frees; NULL when absent.
 */
char *
v2v_vs_attr (const xmlNode *n, const char *name, bool xsi)
{
  xmlChar *t;
  char *s;

  if (n == NULL)
    return NULL;
  t = xsi ? xmlGetNsProp (n, (const xmlChar *) name, (const xmlChar *) XSI_NS)
          : xmlGetNoNsProp (n, (const xmlChar *) name);
  if (t == NULL)
    return NULL;
  s = strdup ((const char *) t);
  xmlFree (t);
  return s;
}

/* The SOAP Body's first element (the XxxResponse or the Fault), or NULL. */
xmlNode *
v2v_vs_body (xmlDoc *doc)
{
  xmlNode *env = xmlDocGetRootElement (doc);

  if (!v2v_vs_is (env, "Envelope"))
    return NULL;
  return v2v_vs_first (v2v_vs_child (env, "Body"));
}

/* If the answer is a SOAP fault: 1, with *name its vSphere fault
 * ("InvalidLogin", "ManagedObjectNotFound", ...; "" when the detail does
 * not say) and *text its faultstring (both malloc'd, the caller frees).
 * 0 when it is no fault, -1 out of memory.
 */
int
v2v_vs_fault (xmlDoc *doc, char **name, char **text)
{
  xmlNode *f = v2v_vs_body (doc), *d;
  char *n = NULL;

  *name = *text = NULL;
  if (!v2v_vs_is (f, "Fault"))
    return 0;
  d = v2v_vs_first (v2v_vs_child (f, "detail"));
  if (d) {
    n = v2v_vs_attr (d, "type", true);
    if (n == NULL && d->name) {
      size_t l = strlen ((const char *) d->name);
      n = strndup ((const char *) d->name,
                   l > 5 && strcmp ((const char *) d->name + l - 5, "Fault")
                   == 0 ? l - 5 : l);
    }
  }
  *name = n ? n : strdup ("");
  *text = v2v_vs_text (v2v_vs_child (f, "faultstring"));
  if (*text == NULL)
    *text = strdup ("");
  if (*name == NULL || *text == NULL) {
    free (*name); free (*text);
    *name = *text = NULL;
    return -1;
  }
  /* a name for messages: printable, short */
  v2v_vs_printable (*name, 80);
  v2v_vs_printable (*text, 400);
  return 1;
}

/* Make s fit for a message, in place: control characters become '?',
 * and it is cut at max bytes.
 */
void
v2v_vs_printable (char *s, size_t max)
{
  size_t i;

  for (i = 0; s[i]; ++i) {
    if (i == max) {
      s[i] = '\0';
      break;
    }
    if ((unsigned char) s[i] < 0x20 || (unsigned char) s[i] == 0x7f)
      s[i] = '?';
  }
}

/* The references of RetrieveServiceContent's answer into sc (each string
 * malloc'd; free with v2v_vs_service_free).  0, or -1 with why in err.
 */
int
v2v_vs_service_content (xmlDoc *doc, struct v2v_vs_service *sc, char *err,
                        size_t errlen)
{
  xmlNode *r = v2v_vs_child (v2v_vs_body (doc), "returnval");

  memset (sc, 0, sizeof *sc);
  sc->root_folder = v2v_vs_text (v2v_vs_child (r, "rootFolder"));
  sc->property_collector = v2v_vs_text (v2v_vs_child (r, "propertyCollector"));
  sc->view_manager = v2v_vs_text (v2v_vs_child (r, "viewManager"));
  sc->session_manager = v2v_vs_text (v2v_vs_child (r, "sessionManager"));
  sc->api_type = v2v_vs_text (v2v_vs_child (v2v_vs_child (r, "about"),
                                            "apiType"));
  sc->full_name = v2v_vs_text (v2v_vs_child (v2v_vs_child (r, "about"),
                                             "fullName"));
  if (!sc->root_folder || !sc->property_collector || !sc->view_manager ||
      !sc->session_manager) {
    snprintf (err, errlen, "the service content lacks the root folder, the "
              "property collector, the view manager or the session manager: "
              "is this a vSphere /sdk?");
    v2v_vs_service_free (sc);
    return -1;
  }
  if (sc->full_name)
    v2v_vs_printable (sc->full_name, 120);
  return 0;
}

void
v2v_vs_service_free (struct v2v_vs_service *sc)
{
  free (sc->root_folder); free (sc->property_collector);
  free (sc->view_manager); free (sc->session_manager);
  free (sc->api_type); free (sc->full_name);
  memset (sc, 0, sizeof *sc);
}

/* The text of the answer's returnval (a task's or a view's reference),
 * caller frees; NULL when there is none.
 */
char *
v2v_vs_returnval (xmlDoc *doc)
{
  return v2v_vs_text (v2v_vs_child (v2v_vs_body (doc), "returnval"));
}

/* s escaped for XML text or an attribute (caller frees), NULL out of
 * memory.
 */
char *
v2v_vs_escape (const char *s)
{
  size_t n = 1;
  const char *p;
  char *out, *q;

  for (p = s; *p; ++p)
    n += strchr ("&<>\"'", *p) ? 6 : 1;
  out = q = malloc (n);
  if (out == NULL)
    return NULL;
  for (p = s; *p; ++p) {
    const char *e = *p == '&' ? "&amp;" : *p == '<' ? "&lt;"
                  : *p == '>' ? "&gt;" : *p == '"' ? "&quot;"
                  : *p == '\'' ? "&apos;" : NULL;
    if (e) {
      memcpy (q, e, strlen (e));
      q += strlen (e);
    }
    else
      *q++ = *p;
  }
  *q = '\0';
  return out;
}
