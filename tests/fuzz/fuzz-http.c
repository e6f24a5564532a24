/* fuzz-http.c: answers of "what is my IP" and port-check services, and their
 * redirects, are untrusted
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

  /* The same bytes as a redirect's Location: followed only on the same server */
  {
    g_autofree char *location = g_strndup ((const char *) data, size);
    g_autofree char *next = NULL;

    g_clear_error (&error);
    next = sesame_http_follow_redirect ("https://api.example.org/ip", location, &error);
    g_assert ((next == NULL) == (error != NULL));
    if (next != NULL)
      {
        g_autoptr(GUri) uri = g_uri_parse (next, SOUP_HTTP_URI_FLAGS, NULL);

        g_assert (uri != NULL);
        g_assert (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0);
        g_assert (g_ascii_strcasecmp (g_uri_get_host (uri), "api.example.org") == 0);
        g_assert (g_uri_get_port (uri) == -1 || g_uri_get_port (uri) == 443);
      }
  }

  return 0;
}
