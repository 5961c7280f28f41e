/* libFuzzer target: the wizard's reader of the agent's JSON events
 * (tui/json.c).  The agent's stdout is split into lines as tui/run.c
 * does (at most 8191 bytes, NUL-terminated), and every field the wizard
 * asks for is read into heap buffers of the sizes it uses, so that a
 * write past one is caught; each string must end within its buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wizard.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const string_keys[] = {
  "event", "stage", "message", "name", "output", "next", "", "\"", "\\",
  NULL
};
static const char *const number_keys[] = { "disk", "done", "total", "rate",
                                           NULL };
static const size_t sizes[] = { 1, 2, 32, 256, 1024 };

static void
one_line (const char *line)
{
  size_t k, s;
  double d;
  bool b;

  for (k = 0; string_keys[k]; ++k)
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; ++s) {
      char *buf = malloc (sizes[s]);
      if (buf == NULL)
        return;
      if (json_get_string (line, string_keys[k], buf, sizes[s]) &&
          memchr (buf, '\0', sizes[s]) == NULL)
        abort ();
      free (buf);
    }
  for (k = 0; number_keys[k]; ++k)
    json_get_number (line, number_keys[k], &d);
  json_get_bool (line, "ok", &b);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = malloc (size + 1), *line, *nl;

  if (text == NULL)
    return 0;
  memcpy (text, data, size);
  text[size] = '\0';
  for (line = text; line; line = nl ? nl + 1 : NULL) {
    nl = strchr (line, '\n');
    if (nl)
      *nl = '\0';
    if (strlen (line) < 8192)
      one_line (line);
  }
  free (text);
  return 0;
}
