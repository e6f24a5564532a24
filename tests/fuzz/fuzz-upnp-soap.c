/* fuzz-upnp-soap.c: the router's answers to UPnP actions, any bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte chooses the action (bits 0–1: GetExternalIPAddress,
 * GetGenericPortMappingEntry, AddPortMapping, DeletePortMapping) and the HTTP
 * status (bits 2–3: 200, 500 as for a UPnP fault, 404, 204); the rest is the body.
 * The answer goes through sesame_upnp_parse_soap_response() and then, as the
 * client does, the reader of that action's arguments.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "sesame-address.h"
#include "sesame-upnp-client.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static const char * const external_names[] = { "NewExternalIPAddress", NULL };
static const char * const entry_names[] = {
  "NewRemoteHost", "NewExternalPort", "NewProtocol", "NewInternalPort",
  "NewInternalClient", "NewEnabled", "NewPortMappingDescription", "NewLeaseDuration",
  NULL
};
static const char * const no_names[] = { NULL };

static const struct
{
  const char         *action;
  const char * const *names;
} actions[] = {
  { "GetExternalIPAddress", external_names },
  { "GetGenericPortMappingEntry", entry_names },
  { "AddPortMapping", no_names },
  { "DeletePortMapping", no_names },
};

static const guint statuses[] = { 200, 500, 404, 204 };

static void
check_error (const GError *error)
{
  g_assert (error != NULL);
  g_assert (error->domain == SESAME_UPNP_CLIENT_ERROR || error->domain == SESAME_UPNP_ACTION_ERROR);
  g_assert (error->message != NULL && g_utf8_validate (error->message, -1, NULL));
}

static void
check_address (const char *address)
{
  guint32 value;

  g_assert (sesame_ipv4_parse (address, &value));
  g_assert (value != 0);
}

static void
check_description (const char *text)
{
  g_assert (text != NULL && g_utf8_validate (text, -1, NULL));
  g_assert (g_utf8_strlen (text, -1) <= SESAME_UPNP_MAX_TEXT);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    g_assert (!g_unichar_iscntrl (g_utf8_get_char (p)));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  guint action;
  guint status;
  g_autoptr(GPtrArray) array = NULL;
  char **values;

  if (size == 0)
    return 0;

  action = data[0] & 3;
  status = statuses[(data[0] >> 2) & 3];

  array = sesame_upnp_parse_soap_response (status, (const char *) data + 1, size - 1,
                                           actions[action].action, actions[action].names, &error);
  if (array == NULL)
    {
      check_error (error);
      return 0;
    }
  g_assert (error == NULL);
  g_assert (status >= 200 && status <= 299);
  g_assert (array->len == g_strv_length ((char **) actions[action].names));
  values = (char **) array->pdata;

  /* Every value is valid UTF-8, whatever the bytes were */
  for (guint i = 0; actions[action].names[i] != NULL; i++)
    g_assert (values[i] == NULL || g_utf8_validate (values[i], -1, NULL));

  if (action == 0)
    {
      g_autofree char *address = sesame_upnp_parse_external_address (values[0], &error);

      if (address != NULL)
        check_address (address);
      else
        check_error (error);
    }
  else if (action == 1)
    {
      g_autoptr(SesameUpnpMapping) mapping =
        sesame_upnp_parse_mapping (values[0], values[1], values[2], values[3], values[4],
                                   values[5], values[6], values[7], &error);

      if (mapping != NULL)
        {
          g_assert (mapping->protocol == SESAME_UPNP_PROTOCOL_TCP ||
                    mapping->protocol == SESAME_UPNP_PROTOCOL_UDP);
          g_assert (mapping->external_port > 0 && mapping->internal_port > 0);
          check_address (mapping->internal_client);
          if (mapping->remote_host != NULL)
            check_address (mapping->remote_host);
          check_description (mapping->description);
        }
      else
        {
          check_error (error);
        }
    }

  return 0;
}
