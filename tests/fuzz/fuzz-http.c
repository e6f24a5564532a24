/* fuzz-http.c: answers of "what is my IP" and port-check services are untrusted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "sesame-http-probe.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  SesameReachability reachability = SESAME_REACHABILITY_UNKNOWN;

  address = sesame_http_parse_ip_response ((const char *) data, size, &error);
  g_assert ((address == NULL) == (error != NULL));
  if (address != NULL)
    {
      g_autoptr(GInetAddress) parsed = g_inet_address_new_from_string (address);
      g_assert (parsed != NULL);
    }

  g_clear_error (&error);
  if (sesame_http_parse_check_response ((const char *) data, size, &reachability, &error))
    g_assert (reachability <= SESAME_REACHABILITY_FILTERED);
  else
    g_assert (error != NULL);

  return 0;
}
