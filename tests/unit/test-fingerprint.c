/* Fingerprints the operator types are parsed in every usual spelling. */
#include "internal.h"
#include "unit.h"

int
main (void)
{
  unsigned char md[64];

  CHECK (v2v_parse_fingerprint ("AB:cd:01", md, sizeof md) == 3);
  CHECK (md[0] == 0xab && md[1] == 0xcd && md[2] == 0x01);
  CHECK (v2v_parse_fingerprint ("abcd01", md, sizeof md) == 3);
  CHECK (v2v_parse_fingerprint ("ab cd 01", md, sizeof md) == 3);
  CHECK (v2v_parse_fingerprint ("abc", md, sizeof md) == -1);
  CHECK (v2v_parse_fingerprint ("zz", md, sizeof md) == -1);
  CHECK (v2v_parse_fingerprint ("", md, sizeof md) == 0);
  CHECK (v2v_parse_fingerprint ("0102030405", md, 2) == -1);
  return unit_done ("fingerprint");
}
