/* fuzz-upnp-description.c: the router's device description, any bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What sesame_upnp_parse_description() keeps is fit to show and to use: the
 * router's words sanitised, a web page as its page, and a control URL on the
 * host the description came from, never another.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "sesame-address.h"
#include "sesame-upnp-client.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define LOCATION "http://192.168.11.1:5000/rootDesc.xml"
#define ADDRESS  "192.168.11.1"

/* Valid UTF-8 without control characters, trimmed, at most SESAME_UPNP_MAX_TEXT
 * characters; a nullable field is NULL rather than empty */
static void
check_text (const char *text,
            gboolean    nullable)
{
  glong length;

  if (text == NULL)
    {
      g_assert (nullable);
      return;
    }

  g_assert (g_utf8_validate (text, -1, NULL));
  length = g_utf8_strlen (text, -1);
  g_assert (length <= SESAME_UPNP_MAX_TEXT);
  if (nullable)
    g_assert (length > 0);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert (!g_unichar_iscntrl (c) && g_unichar_type (c) != G_UNICODE_FORMAT);
    }

  if (length > 0)
    g_assert (*text != ' ' && text[strlen (text) - 1] != ' ');
}

/* The host of an http URL */
static char *
url_host (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  g_assert (uri != NULL);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "http");
  return g_strdup (g_uri_get_host (uri));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameUpnpDevice) device = NULL;
  g_autofree char *control_host = NULL;

  device = sesame_upnp_parse_description (LOCATION, (const char *) data, size, &error);

  if (device == NULL)
    {
      g_assert (error != NULL && error->domain == SESAME_UPNP_CLIENT_ERROR);
      g_assert (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert (error == NULL);

  check_text (device->friendly_name, TRUE);
  check_text (device->manufacturer, TRUE);
  check_text (device->model_name, TRUE);
  check_text (device->model_number, TRUE);
  check_text (device->model_description, TRUE);
  check_text (device->udn, FALSE);
  check_text (device->service_type, FALSE);
  g_assert (g_str_has_prefix (device->service_type, "urn:schemas-upnp-org:service:WANIPConnection:") ||
            g_str_has_prefix (device->service_type, "urn:schemas-upnp-org:service:WANPPPConnection:"));

  g_assert_cmpstr (device->location, ==, LOCATION);
  g_assert_cmpstr (device->address, ==, ADDRESS);
  g_assert (!device->is_gateway);

  /* Where the router's page is shown as a link, it is an absolute http(s) URL */
  if (device->presentation_url != NULL)
    {
      const char *scheme = g_uri_peek_scheme (device->presentation_url);

      g_assert (g_strcmp0 (scheme, "http") == 0 || g_strcmp0 (scheme, "https") == 0);
    }

  /* Our requests go to the router that described itself, nowhere else */
  g_assert (device->control_url != NULL);
  control_host = url_host (device->control_url);
  g_assert_cmpstr (control_host, ==, ADDRESS);

  return 0;
}
