/* sesame-upnp-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-upnp-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libgupnp/gupnp.h>

#include "sesame-address.h"
#include "sesame-upnp-client.h"

#define IGD_PREFIX       "urn:schemas-upnp-org:device:InternetGatewayDevice:"
#define SERVICE_PREFIX   "urn:schemas-upnp-org:service:"
#define SSDP_MX          1        /* seconds a router may wait before it answers */
#define MAX_DEVICE_DEPTH 4        /* root > WANDevice > WANConnectionDevice */
#define MAX_DEVICES      32       /* devices looked at in one description */
#define MAX_SCAN_BYTES   65536    /* bytes of one text from the router looked at */
#define MAX_URL_LENGTH   1024

struct _SesameUpnpClient
{
  GObject             parent_instance;

  char               *interface;       /* nullable */
  GInetAddress       *local_address;   /* nullable */

  GUPnPContext       *context;         /* nullable: made by the first discovery */
  GUPnPServiceProxy  *service;         /* nullable: the WAN*Connection chosen */
  SesameUpnpDevice   *device;          /* nullable */

  GTask              *discovery;       /* nullable: the discovery under way */
};

G_DEFINE_FINAL_TYPE (SesameUpnpClient, sesame_upnp_client, G_TYPE_OBJECT)
G_DEFINE_QUARK (sesame-upnp-client-error-quark, sesame_upnp_client_error)
G_DEFINE_QUARK (sesame-upnp-action-error-quark, sesame_upnp_action_error)
G_DEFINE_BOXED_TYPE (SesameUpnpDevice, sesame_upnp_device,
                     sesame_upnp_device_copy, sesame_upnp_device_free)
G_DEFINE_BOXED_TYPE (SesameUpnpMapping, sesame_upnp_mapping,
                     sesame_upnp_mapping_copy, sesame_upnp_mapping_free)

static const char * const protocol_names[] = { "TCP", "UDP" };

/* The standard names of the errors WANIPConnection and WANPPPConnection define */
static const struct
{
  int         code;
  const char *name;
} upnp_error_names[] = {
  { 401, "Invalid Action" },
  { 402, "Invalid Args" },
  { 501, "Action Failed" },
  { 606, "Action not authorized" },
  { 713, "SpecifiedArrayIndexInvalid" },
  { 714, "NoSuchEntryInArray" },
  { 715, "WildCardNotPermittedInSrcIP" },
  { 716, "WildCardNotPermittedInExtPort" },
  { 718, "ConflictInMappingEntry" },
  { 724, "SamePortValuesRequired" },
  { 725, "OnlyPermanentLeasesSupported" },
  { 726, "RemoteHostOnlySupportsWildcard" },
  { 727, "ExternalPortOnlySupportsWildcard" },
  { 728, "NoPortMapsAvailable" },
  { 729, "ConflictWithOtherMechanisms" },
  { 732, "WildCardNotPermittedInIntPort" },
};

/* Boxed types */

SesameUpnpDevice *
sesame_upnp_device_copy (const SesameUpnpDevice *device)
{
  SesameUpnpDevice *copy;

  g_return_val_if_fail (device != NULL, NULL);

  copy = g_new0 (SesameUpnpDevice, 1);
  copy->friendly_name = g_strdup (device->friendly_name);
  copy->manufacturer = g_strdup (device->manufacturer);
  copy->model_name = g_strdup (device->model_name);
  copy->model_number = g_strdup (device->model_number);
  copy->model_description = g_strdup (device->model_description);
  copy->udn = g_strdup (device->udn);
  copy->presentation_url = g_strdup (device->presentation_url);
  copy->location = g_strdup (device->location);
  copy->service_type = g_strdup (device->service_type);
  copy->address = g_strdup (device->address);

  return copy;
}

void
sesame_upnp_device_free (SesameUpnpDevice *device)
{
  if (device == NULL)
    return;

  g_free (device->friendly_name);
  g_free (device->manufacturer);
  g_free (device->model_name);
  g_free (device->model_number);
  g_free (device->model_description);
  g_free (device->udn);
  g_free (device->presentation_url);
  g_free (device->location);
  g_free (device->service_type);
  g_free (device->address);
  g_free (device);
}

SesameUpnpMapping *
sesame_upnp_mapping_copy (const SesameUpnpMapping *mapping)
{
  SesameUpnpMapping *copy;

  g_return_val_if_fail (mapping != NULL, NULL);

  copy = g_memdup2 (mapping, sizeof *mapping);
  copy->internal_client = g_strdup (mapping->internal_client);
  copy->description = g_strdup (mapping->description);
  copy->remote_host = g_strdup (mapping->remote_host);

  return copy;
}

void
sesame_upnp_mapping_free (SesameUpnpMapping *mapping)
{
  if (mapping == NULL)
    return;

  g_free (mapping->internal_client);
  g_free (mapping->description);
  g_free (mapping->remote_host);
  g_free (mapping);
}

const char *
sesame_upnp_protocol_to_string (SesameUpnpProtocol protocol)
{
  g_return_val_if_fail (protocol <= SESAME_UPNP_PROTOCOL_UDP, NULL);
  return protocol_names[protocol];
}

/* Pure parsers */

/**
 * sesame_upnp_sanitize_text:
 * @text: (nullable): text from the router, untrusted
 *
 * Makes text from the router fit to show: invalid UTF-8 becomes U+FFFD, tabs and
 * line breaks become spaces, other control and format characters (bidi overrides,
 * zero-width characters) are dropped, runs of spaces are collapsed and the result is
 * trimmed and cut at %SESAME_UPNP_MAX_TEXT characters. At most 64 KiB are looked at.
 *
 * Returns: (transfer full) (nullable): the text, %NULL if @text is %NULL
 */
char *
sesame_upnp_sanitize_text (const char *text)
{
  g_autoptr(GString) out = NULL;
  const char *p = text;
  const char *end;
  guint kept = 0;
  gboolean pending_space = FALSE;

  if (text == NULL)
    return NULL;

  end = text + strnlen (text, MAX_SCAN_BYTES);
  out = g_string_sized_new (MIN ((gsize) (end - text), SESAME_UPNP_MAX_TEXT * 4));

  while (p < end && kept < SESAME_UPNP_MAX_TEXT)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      gsize step;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          c = 0xFFFD;
          step = 1;
        }
      else
        {
          step = g_utf8_next_char (p) - p;
        }
      p += step;

      if (c == '\t' || c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029 ||
          g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR)
        {
          pending_space = out->len > 0;
          continue;
        }

      switch (g_unichar_type (c))
        {
        case G_UNICODE_CONTROL:
        case G_UNICODE_FORMAT:
        case G_UNICODE_UNASSIGNED:
        case G_UNICODE_SURROGATE:
        case G_UNICODE_PRIVATE_USE:
          continue;
        default:
          break;
        }

      if (pending_space)
        {
          g_string_append_c (out, ' ');
          pending_space = FALSE;
          if (++kept == SESAME_UPNP_MAX_TEXT)
            break;
        }

      g_string_append_unichar (out, c);
      kept++;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* NULL when the sanitised text is empty */
static char *
sanitize_or_null (const char *text)
{
  g_autofree char *clean = sesame_upnp_sanitize_text (text);

  if (clean == NULL || *clean == '\0')
    return NULL;

  return g_steal_pointer (&clean);
}

/* A short, safe quote of a bad value for an error message */
static char *
quote_value (const char *text)
{
  g_autofree char *clean = sesame_upnp_sanitize_text (text != NULL ? text : "");

  if (g_utf8_strlen (clean, -1) > 40)
    {
      char *cut = g_utf8_offset_to_pointer (clean, 40);

      *cut = '\0';
      return g_strdup_printf ("“%s…”", clean);
    }

  return g_strdup_printf ("“%s”", clean);
}

static char *
trimmed (const char *text)
{
  if (text == NULL)
    return g_strdup ("");

  return g_strstrip (g_strndup (text, MAX_SCAN_BYTES));
}

static gboolean
parse_port (const char *text,
            guint16    *port)
{
  g_autofree char *clean = trimmed (text);
  guint64 value;

  if (*clean == '\0' || strspn (clean, "0123456789") != strlen (clean) || strlen (clean) > 5)
    return FALSE;

  value = g_ascii_strtoull (clean, NULL, 10);
  if (value < 1 || value > 65535)
    return FALSE;

  *port = (guint16) value;
  return TRUE;
}

static gboolean
parse_uint32 (const char *text,
              guint32    *result)
{
  g_autofree char *clean = trimmed (text);
  guint64 value;

  if (*clean == '\0' || strspn (clean, "0123456789") != strlen (clean) || strlen (clean) > 10)
    return FALSE;

  value = g_ascii_strtoull (clean, NULL, 10);
  if (value > G_MAXUINT32)
    return FALSE;

  *result = (guint32) value;
  return TRUE;
}

static gboolean
parse_boolean (const char *text,
               gboolean   *result)
{
  g_autofree char *clean = trimmed (text);

  if (g_str_equal (clean, "1") || g_ascii_strcasecmp (clean, "true") == 0 ||
      g_ascii_strcasecmp (clean, "yes") == 0)
    *result = TRUE;
  else if (g_str_equal (clean, "0") || g_ascii_strcasecmp (clean, "false") == 0 ||
           g_ascii_strcasecmp (clean, "no") == 0)
    *result = FALSE;
  else
    return FALSE;

  return TRUE;
}

static gboolean
parse_protocol (const char         *text,
                SesameUpnpProtocol *protocol)
{
  g_autofree char *clean = trimmed (text);

  for (guint i = 0; i < G_N_ELEMENTS (protocol_names); i++)
    {
      if (g_ascii_strcasecmp (clean, protocol_names[i]) == 0)
        {
          *protocol = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* A unicast IPv4 address in dotted-quad text, normalised */
static char *
parse_host_address (const char *text)
{
  g_autofree char *clean = trimmed (text);
  guint32 address;

  if (!sesame_ipv4_parse (clean, &address))
    return NULL;

  switch (sesame_ipv4_classify (address))
    {
    case SESAME_IPV4_UNSPECIFIED:
    case SESAME_IPV4_MULTICAST:
    case SESAME_IPV4_RESERVED:
      return NULL;
    default:
      return sesame_ipv4_to_string (address);
    }
}

/**
 * sesame_upnp_parse_external_address:
 * @text: (nullable): NewExternalIPAddress as the router sent it
 * @error: return location for a #GError
 *
 * An empty answer (or 0.0.0.0) means the router has no external address:
 * %SESAME_UPNP_CLIENT_ERROR_NO_EXTERNAL_ADDRESS. Anything but a unicast IPv4
 * address in dotted-quad text is %SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE.
 *
 * Returns: (transfer full) (nullable): the address as text
 */
char *
sesame_upnp_parse_external_address (const char  *text,
                                    GError     **error)
{
  g_autofree char *clean = trimmed (text);
  g_autofree char *quoted = NULL;
  char *address;

  if (*clean == '\0' || g_str_equal (clean, "0.0.0.0"))
    {
      g_set_error_literal (error, SESAME_UPNP_CLIENT_ERROR,
                           SESAME_UPNP_CLIENT_ERROR_NO_EXTERNAL_ADDRESS,
                           _("The router has no external address"));
      return NULL;
    }

  address = parse_host_address (clean);
  if (address != NULL)
    return address;

  quoted = quote_value (clean);
  g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE,
               /* Translators: %s is the text the router gave, in quotes */
               _("The router gave %s as its external address, which is not an IPv4 address"),
               quoted);
  return NULL;
}

static SesameUpnpMapping *
invalid_field (GError     **error,
               const char  *field,
               const char  *value)
{
  g_autofree char *quoted = quote_value (value);

  g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE,
               /* Translators: the first %s is the name of a UPnP argument such as
                * NewExternalPort, the second the value the router gave, in quotes */
               _("The router gave an invalid %s: %s"), field, quoted);
  return NULL;
}

/**
 * sesame_upnp_parse_mapping:
 * @remote_host: (nullable): NewRemoteHost; empty or "*" for any host
 * @external_port: (nullable): NewExternalPort, 1–65535
 * @protocol: (nullable): NewProtocol, TCP or UDP in any case
 * @internal_port: (nullable): NewInternalPort, 1–65535
 * @internal_client: (nullable): NewInternalClient, an IPv4 address
 * @enabled: (nullable): NewEnabled, 1/0/true/false/yes/no
 * @description: (nullable): NewPortMappingDescription, sanitised
 * @lease_seconds: (nullable): NewLeaseDuration, 0 for permanent
 * @error: return location for a #GError
 *
 * Reads one GetGenericPortMappingEntry answer, every argument as the router sent
 * it. A missing @enabled counts as enabled, a missing lease as permanent.
 *
 * Returns: (transfer full) (nullable): the mapping
 */
SesameUpnpMapping *
sesame_upnp_parse_mapping (const char  *remote_host,
                           const char  *external_port,
                           const char  *protocol,
                           const char  *internal_port,
                           const char  *internal_client,
                           const char  *enabled,
                           const char  *description,
                           const char  *lease_seconds,
                           GError     **error)
{
  g_autoptr(SesameUpnpMapping) mapping = g_new0 (SesameUpnpMapping, 1);
  g_autofree char *remote = trimmed (remote_host);

  if (!parse_protocol (protocol, &mapping->protocol))
    return invalid_field (error, "NewProtocol", protocol);
  if (!parse_port (external_port, &mapping->external_port))
    return invalid_field (error, "NewExternalPort", external_port);
  if (!parse_port (internal_port, &mapping->internal_port))
    return invalid_field (error, "NewInternalPort", internal_port);

  mapping->internal_client = parse_host_address (internal_client);
  if (mapping->internal_client == NULL)
    return invalid_field (error, "NewInternalClient", internal_client);

  if (*remote != '\0' && !g_str_equal (remote, "*"))
    {
      mapping->remote_host = parse_host_address (remote);
      if (mapping->remote_host == NULL)
        return invalid_field (error, "NewRemoteHost", remote_host);
    }

  mapping->enabled = TRUE;
  if (enabled != NULL && !parse_boolean (enabled, &mapping->enabled))
    return invalid_field (error, "NewEnabled", enabled);

  mapping->lease_seconds = 0;
  if (lease_seconds != NULL && *lease_seconds != '\0' &&
      !parse_uint32 (lease_seconds, &mapping->lease_seconds))
    return invalid_field (error, "NewLeaseDuration", lease_seconds);

  mapping->description = sesame_upnp_sanitize_text (description != NULL ? description : "");

  return g_steal_pointer (&mapping);
}

/* Errors */

/* "Action Failed" and "ActionFailed" are the same name */
static gboolean
same_name (const char *a,
           const char *b)
{
  while (*a != '\0' || *b != '\0')
    {
      if (*a == ' ')
        a++;
      else if (*b == ' ')
        b++;
      else if (g_ascii_tolower (*a) != g_ascii_tolower (*b))
        return FALSE;
      else
        {
          a++;
          b++;
        }
    }

  return TRUE;
}

static void
set_action_error (GError     **error,
                  int          code,
                  const char  *router_description)
{
  g_autofree char *description = sanitize_or_null (router_description);
  const char *name = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (upnp_error_names); i++)
    {
      if (upnp_error_names[i].code == code)
        name = upnp_error_names[i].name;
    }

  if (name != NULL && description != NULL && !same_name (name, description))
    g_set_error (error, SESAME_UPNP_ACTION_ERROR, code,
                 /* Translators: %d is a UPnP error code such as 718, the first %s
                  * its standard name such as ConflictInMappingEntry, the second
                  * %s the router's own words */
                 _("The router refused: UPnP error %d, %s (“%s”)"),
                 code, name, description);
  else if (name != NULL || description != NULL)
    g_set_error (error, SESAME_UPNP_ACTION_ERROR, code,
                 /* Translators: %d is a UPnP error code such as 718, %s its name */
                 _("The router refused: UPnP error %d, %s"),
                 code, name != NULL ? name : description);
  else
    g_set_error (error, SESAME_UPNP_ACTION_ERROR, code,
                 /* Translators: %d is a UPnP error code */
                 _("The router refused: UPnP error %d"), code);
}

/* Turns what GUPnP reports into our domains; the message keeps GUPnP's words */
static GError *
map_gupnp_error (GError *error)
{
  GError *mapped;

  if (error->domain == GUPNP_CONTROL_ERROR)
    {
      mapped = NULL;
      set_action_error (&mapped, error->code, error->message);
    }
  else if (error->domain == G_IO_ERROR &&
           (error->code == G_IO_ERROR_CANCELLED || error->code == G_IO_ERROR_TIMED_OUT))
    {
      return g_error_copy (error);
    }
  else if (error->domain == GUPNP_SERVER_ERROR &&
           error->code == GUPNP_SERVER_ERROR_INVALID_RESPONSE)
    {
      g_autofree char *detail = sesame_upnp_sanitize_text (error->message);

      mapped = g_error_new (SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE,
                            /* Translators: %s is a technical reason */
                            _("The router's answer could not be read: %s"), detail);
    }
  else
    {
      g_autofree char *detail = sesame_upnp_sanitize_text (error->message);

      mapped = g_error_new (SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_NETWORK,
                            /* Translators: %s is a technical reason */
                            _("The router could not be reached: %s"), detail);
    }

  return mapped;
}

static GError *
timed_out_error (guint timeout_ms)
{
  return g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                      /* Translators: %u is a number of milliseconds */
                      _("The router did not answer within %u ms"), timeout_ms);
}

static guint
effective_timeout (guint timeout_ms)
{
  return timeout_ms == 0 ? SESAME_UPNP_DEFAULT_TIMEOUT_MS : timeout_ms;
}

/* One action with a deadline.
 *
 * The task returns at the deadline or on cancellation even if GUPnP has not called
 * back yet; GUPnP's call is then cancelled and its late answer dropped. */

typedef struct
{
  GUPnPServiceProxy       *proxy;
  GUPnPServiceProxyAction *action;
  GCancellable            *inner;           /* cancels GUPnP's call */
  GSource                 *timeout_source;  /* nullable */
  GSource                 *cancel_source;   /* nullable */
  guint                    timeout_ms;      /* for the message */
  gboolean                 returned;
} Call;

static void
call_destroy_sources (Call *call)
{
  if (call->timeout_source != NULL)
    {
      g_source_destroy (call->timeout_source);
      g_clear_pointer (&call->timeout_source, g_source_unref);
    }
  if (call->cancel_source != NULL)
    {
      g_source_destroy (call->cancel_source);
      g_clear_pointer (&call->cancel_source, g_source_unref);
    }
}

static void
call_free (gpointer data)
{
  Call *call = data;

  call_destroy_sources (call);
  g_clear_object (&call->inner);
  g_clear_pointer (&call->action, gupnp_service_proxy_action_unref);
  g_clear_object (&call->proxy);
  g_free (call);
}

static void
call_return_error (GTask  *task,
                   GError *error)
{
  Call *call = g_task_get_task_data (task);

  if (call->returned)
    {
      g_error_free (error);
      return;
    }

  call->returned = TRUE;
  call_destroy_sources (call);
  g_cancellable_cancel (call->inner);
  g_task_return_error (task, error);
}

static gboolean
call_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  g_debug ("action timed out after %u ms", call->timeout_ms);
  call_return_error (task, timed_out_error (call->timeout_ms));
  return G_SOURCE_REMOVE;
}

static gboolean
call_cancelled_cb (G_GNUC_UNUSED GCancellable *cancellable,
                   gpointer                    user_data)
{
  GTask *task = user_data;

  call_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                _("Cancelled")));
  return G_SOURCE_REMOVE;
}

static void
call_action_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Call *call = g_task_get_task_data (task);
  GUPnPServiceProxyAction *action;

  action = gupnp_service_proxy_call_action_finish (GUPNP_SERVICE_PROXY (object), result, &error);

  if (call->returned)
    return;

  call->returned = TRUE;
  call_destroy_sources (call);

  if (action == NULL)
    g_task_return_error (task, map_gupnp_error (error));
  else
    g_task_return_pointer (task, gupnp_service_proxy_action_ref (action),
                           (GDestroyNotify) gupnp_service_proxy_action_unref);
}

static void
call_action_async (SesameUpnpClient        *self,
                   GUPnPServiceProxyAction *action,
                   gint64                   deadline_us,
                   guint                    timeout_ms,
                   GCancellable            *cancellable,
                   GAsyncReadyCallback      callback,
                   gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;
  gint64 remaining_ms;

  g_assert (SESAME_IS_UPNP_CLIENT (self));
  g_assert (action != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, call_action_async);

  call = g_new0 (Call, 1);
  call->action = gupnp_service_proxy_action_ref (action);
  call->inner = g_cancellable_new ();
  call->timeout_ms = timeout_ms;
  g_task_set_task_data (task, call, call_free);

  if (self->service == NULL)
    {
      call->returned = TRUE;
      g_task_return_new_error (task, SESAME_UPNP_CLIENT_ERROR,
                               SESAME_UPNP_CLIENT_ERROR_NOT_DISCOVERED,
                               _("No UPnP router has been found yet"));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    {
      call->returned = TRUE;
      return;
    }

  remaining_ms = (deadline_us - g_get_monotonic_time () + 999) / 1000;
  if (remaining_ms <= 0)
    {
      call->returned = TRUE;
      g_task_return_error (task, timed_out_error (timeout_ms));
      return;
    }

  call->proxy = g_object_ref (self->service);

  call->timeout_source = g_timeout_source_new ((guint) remaining_ms);
  g_source_set_callback (call->timeout_source, call_timeout_cb, task, NULL);
  g_source_set_name (call->timeout_source, "[sesame] UPnP action deadline");
  g_source_attach (call->timeout_source, g_task_get_context (task));

  if (cancellable != NULL)
    {
      call->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (call->cancel_source, G_SOURCE_FUNC (call_cancelled_cb), task, NULL);
      g_source_attach (call->cancel_source, g_task_get_context (task));
    }

  gupnp_service_proxy_call_action_async (call->proxy, action, call->inner,
                                         call_action_cb, g_object_ref (task));
}

static GUPnPServiceProxyAction *
call_action_finish (SesameUpnpClient  *self,
                    GAsyncResult      *result,
                    GError           **error)
{
  g_assert (g_task_is_valid (result, self));
  g_assert (g_task_get_source_tag (G_TASK (result)) == call_action_async);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Reads the out arguments of a finished action as text; a UPnP fault becomes a
 * SESAME_UPNP_ACTION_ERROR. Missing arguments are NULL. */
static GStrv
action_get_strings (GUPnPServiceProxyAction  *action,
                    const char * const       *names,
                    GError                  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GList) out_names = NULL;
  g_autoptr(GList) out_types = NULL;
  GList *out_values = NULL;
  guint n_names = names != NULL ? g_strv_length ((char **) names) : 0;
  g_auto(GStrv) strings = NULL;
  guint i = 0;

  for (i = 0; i < n_names; i++)
    {
      out_names = g_list_append (out_names, (gpointer) names[i]);
      out_types = g_list_append (out_types, GSIZE_TO_POINTER (G_TYPE_STRING));
    }

  if (!gupnp_service_proxy_action_get_result_list (action, out_names, out_types,
                                                   &out_values, &local_error))
    {
      g_propagate_error (error, map_gupnp_error (local_error));
      return NULL;
    }

  strings = g_new0 (char *, n_names + 1);
  i = 0;
  for (GList *l = out_values; l != NULL && i < n_names; l = l->next, i++)
    {
      GValue *value = l->data;

      if (value != NULL && G_VALUE_HOLDS_STRING (value))
        strings[i] = g_value_dup_string (value);
    }

  for (GList *l = out_values; l != NULL; l = l->next)
    {
      GValue *value = l->data;

      if (value != NULL)
        {
          g_value_unset (value);
          g_free (value);
        }
    }
  g_list_free (out_values);

  return g_steal_pointer (&strings);
}

/* GObject */

static void
sesame_upnp_client_dispose (GObject *object)
{
  SesameUpnpClient *self = (SesameUpnpClient *)object;

  g_clear_object (&self->service);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (sesame_upnp_client_parent_class)->dispose (object);
}

static void
sesame_upnp_client_finalize (GObject *object)
{
  SesameUpnpClient *self = (SesameUpnpClient *)object;

  g_clear_pointer (&self->interface, g_free);
  g_clear_object (&self->local_address);
  g_clear_pointer (&self->device, sesame_upnp_device_free);

  G_OBJECT_CLASS (sesame_upnp_client_parent_class)->finalize (object);
}

static void
sesame_upnp_client_class_init (SesameUpnpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sesame_upnp_client_dispose;
  object_class->finalize = sesame_upnp_client_finalize;
}

static void
sesame_upnp_client_init (G_GNUC_UNUSED SesameUpnpClient *self)
{
}

/**
 * sesame_upnp_client_new:
 * @interface: (nullable): the network interface to search on, such as "eth0"
 * @local_address: (nullable): the local IPv4 address to search from
 *
 * With neither, GSSDP picks the first interface that is up and not loopback;
 * give the interface of the default route on a host with several.
 *
 * Returns: (transfer full): a new client; nothing is sent before discovery
 */
SesameUpnpClient *
sesame_upnp_client_new (const char   *interface,
                        GInetAddress *local_address)
{
  SesameUpnpClient *self;

  g_return_val_if_fail (local_address == NULL || G_IS_INET_ADDRESS (local_address), NULL);

  self = g_object_new (SESAME_TYPE_UPNP_CLIENT, NULL);
  self->interface = g_strdup (interface);
  g_set_object (&self->local_address, local_address);

  return self;
}

/**
 * sesame_upnp_client_get_device:
 * @self: a #SesameUpnpClient
 *
 * Returns: (transfer none) (nullable): the router the last discovery found
 */
const SesameUpnpDevice *
sesame_upnp_client_get_device (SesameUpnpClient *self)
{
  g_return_val_if_fail (SESAME_IS_UPNP_CLIENT (self), NULL);

  return self->device;
}

/* Discovery */

typedef struct
{
  GPtrArray         *control_points;   /* element-type GUPnPControlPoint */
  GSource           *timeout_source;   /* nullable */
  GSource           *cancel_source;    /* nullable */
  GSource           *found_source;     /* nullable: finishes after a router was found */
  guint              timeout_ms;
  gint64             started_us;
  char              *no_service;       /* nullable: a device answered without a usable service */
  GUPnPServiceProxy *service;          /* nullable: the one found */
  SesameUpnpDevice  *device;           /* nullable: the one found */
} Discovery;

static void
discovery_stop (Discovery *discovery,
                GTask     *task)
{
  GSource **sources[] = {
    &discovery->timeout_source, &discovery->cancel_source, &discovery->found_source,
  };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      if (*sources[i] != NULL)
        {
          g_source_destroy (*sources[i]);
          g_clear_pointer (sources[i], g_source_unref);
        }
    }

  for (guint i = 0; i < discovery->control_points->len; i++)
    {
      GSSDPResourceBrowser *browser = g_ptr_array_index (discovery->control_points, i);

      g_signal_handlers_disconnect_by_data (browser, task);
      gssdp_resource_browser_set_active (browser, FALSE);
    }
  g_ptr_array_set_size (discovery->control_points, 0);
}

static void
discovery_free (gpointer data)
{
  Discovery *discovery = data;

  g_assert (discovery->timeout_source == NULL);
  g_assert (discovery->control_points->len == 0);

  g_clear_pointer (&discovery->control_points, g_ptr_array_unref);
  g_clear_pointer (&discovery->no_service, g_free);
  g_clear_object (&discovery->service);
  g_clear_pointer (&discovery->device, sesame_upnp_device_free);
  g_free (discovery);
}

/* Only ever called from a main-loop source of our own, never from inside a GUPnP
 * signal, so that dropping the control points is safe. */
static void
discovery_return (GTask  *task,
                  GError *error)
{
  SesameUpnpClient *self = g_task_get_source_object (task);
  Discovery *discovery = g_task_get_task_data (task);
  g_autoptr(GTask) owned = NULL;

  g_assert (self->discovery == task);

  /* self->discovery held the task, and the task holds self, until now */
  owned = g_steal_pointer (&self->discovery);
  discovery_stop (discovery, task);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_debug ("found %s at %s after %" G_GINT64_FORMAT " ms",
           discovery->device->service_type, discovery->device->address,
           (g_get_monotonic_time () - discovery->started_us) / 1000);

  g_set_object (&self->service, discovery->service);
  g_clear_pointer (&self->device, sesame_upnp_device_free);
  self->device = sesame_upnp_device_copy (discovery->device);
  g_task_return_pointer (task, g_steal_pointer (&discovery->device),
                         (GDestroyNotify) sesame_upnp_device_free);
}

static gboolean
discovery_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Discovery *discovery = g_task_get_task_data (task);
  GError *error;

  if (discovery->no_service != NULL)
    error = g_error_new (SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_NO_SERVICE,
                         /* Translators: %s is the router's name or address */
                         _("The UPnP router %s offers no WANIPConnection or WANPPPConnection "
                           "service"),
                         discovery->no_service);
  else
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                         /* Translators: %u is a number of milliseconds */
                         _("No UPnP router answered within %u ms"), discovery->timeout_ms);

  discovery_return (task, error);
  return G_SOURCE_REMOVE;
}

static gboolean
discovery_cancelled_cb (G_GNUC_UNUSED GCancellable *cancellable,
                        gpointer                    user_data)
{
  discovery_return (user_data, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    _("Cancelled")));
  return G_SOURCE_REMOVE;
}

static gboolean
discovery_found_cb (gpointer user_data)
{
  discovery_return (user_data, NULL);
  return G_SOURCE_REMOVE;
}

/* 3 for WANIPConnection:2 or later, 2 for WANIPConnection:1, 1 for WANPPPConnection,
 * 0 for anything else */
static int
service_rank (const char *type)
{
  const char *rest;
  const char *colon;
  guint64 version;

  if (type == NULL || !g_str_has_prefix (type, SERVICE_PREFIX))
    return 0;

  rest = type + strlen (SERVICE_PREFIX);
  colon = strchr (rest, ':');
  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 99, &version, NULL))
    return 0;

  if (colon - rest == strlen ("WANIPConnection") &&
      strncmp (rest, "WANIPConnection", colon - rest) == 0)
    return version >= 2 ? 3 : 2;

  if (colon - rest == strlen ("WANPPPConnection") &&
      strncmp (rest, "WANPPPConnection", colon - rest) == 0)
    return 1;

  return 0;
}

/* The host of an http URL if it is an IPv4 literal, normalised */
static char *
url_ipv4_host (const char *url)
{
  g_autoptr(GUri) uri = NULL;

  if (url == NULL || strlen (url) > MAX_URL_LENGTH)
    return NULL;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)
    return NULL;

  return parse_host_address (g_uri_get_host (uri));
}

/* Walks the device tree for the best WAN*Connection whose control URL is on the
 * router's own address (a description cannot send our requests elsewhere). */
static void
find_service (GUPnPDeviceInfo    *device,
              const char         *address,
              guint               depth,
              guint              *n_devices,
              GUPnPServiceProxy **best,
              int                *best_rank)
{
  GList *services;
  GList *devices;

  if (depth > MAX_DEVICE_DEPTH || ++(*n_devices) > MAX_DEVICES)
    return;

  services = gupnp_device_info_list_services (device);
  for (GList *l = services; l != NULL; l = l->next)
    {
      GUPnPServiceInfo *info = l->data;
      const char *type = gupnp_service_info_get_service_type (info);
      int rank = service_rank (type);
      g_autofree char *control_url = NULL;
      g_autofree char *control_host = NULL;

      if (rank <= *best_rank || !GUPNP_IS_SERVICE_PROXY (info))
        continue;

      control_url = gupnp_service_info_get_control_url (info);
      control_host = url_ipv4_host (control_url);
      if (g_strcmp0 (control_host, address) != 0)
        {
          g_autofree char *quoted = quote_value (control_url);

          g_debug ("ignoring %s: control URL %s is not on %s", type, quoted, address);
          continue;
        }

      g_set_object (best, GUPNP_SERVICE_PROXY (info));
      *best_rank = rank;
    }
  g_list_free_full (services, g_object_unref);

  devices = gupnp_device_info_list_devices (device);
  for (GList *l = devices; l != NULL; l = l->next)
    find_service (l->data, address, depth + 1, n_devices, best, best_rank);
  g_list_free_full (devices, g_object_unref);
}

static char *
presentation_url (GUPnPDeviceInfo *info,
                  const char      *location)
{
  g_autofree char *raw = gupnp_device_info_get_presentation_url (info);
  g_autofree char *clean = NULL;
  g_autofree char *absolute = NULL;
  const char *scheme;

  if (raw == NULL || strlen (raw) > MAX_URL_LENGTH)
    return NULL;

  clean = g_strstrip (g_strdup (raw));
  for (const char *p = clean; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x21 || (guchar) *p >= 0x7f)
        return NULL;
    }

  absolute = g_uri_resolve_relative (location, clean, G_URI_FLAGS_NONE, NULL);
  if (absolute == NULL)
    return NULL;

  scheme = g_uri_peek_scheme (absolute);
  if (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
    return NULL;

  return g_steal_pointer (&absolute);
}

static void
device_proxy_available_cb (G_GNUC_UNUSED GUPnPControlPoint *control_point,
                           GUPnPDeviceProxy                *proxy,
                           gpointer                         user_data)
{
  GTask *task = user_data;
  Discovery *discovery = g_task_get_task_data (task);
  GUPnPDeviceInfo *info = GUPNP_DEVICE_INFO (proxy);
  const char *location = gupnp_device_info_get_location (info);
  g_autofree char *address = url_ipv4_host (location);
  g_autoptr(GUPnPServiceProxy) service = NULL;
  g_autoptr(SesameUpnpDevice) device = NULL;
  guint n_devices = 0;
  int rank = 0;

  if (discovery->found_source != NULL)
    return;

  g_debug ("%s answered after %" G_GINT64_FORMAT " ms", gupnp_device_info_get_udn (info),
           (g_get_monotonic_time () - discovery->started_us) / 1000);

  if (address == NULL)
    {
      g_autofree char *quoted = quote_value (location);

      g_debug ("ignoring a device described at %s: not an http URL on an IPv4 address",
               quoted);
      return;
    }

  find_service (info, address, 0, &n_devices, &service, &rank);
  if (service == NULL)
    {
      g_free (discovery->no_service);
      discovery->no_service = g_strdup (address);
      return;
    }

  device = g_new0 (SesameUpnpDevice, 1);
  {
    g_autofree char *friendly_name = gupnp_device_info_get_friendly_name (info);
    g_autofree char *manufacturer = gupnp_device_info_get_manufacturer (info);
    g_autofree char *model_name = gupnp_device_info_get_model_name (info);
    g_autofree char *model_number = gupnp_device_info_get_model_number (info);
    g_autofree char *model_description = gupnp_device_info_get_model_description (info);

    device->friendly_name = sanitize_or_null (friendly_name);
    device->manufacturer = sanitize_or_null (manufacturer);
    device->model_name = sanitize_or_null (model_name);
    device->model_number = sanitize_or_null (model_number);
    device->model_description = sanitize_or_null (model_description);
  }
  device->udn = sesame_upnp_sanitize_text (gupnp_device_info_get_udn (info));
  device->presentation_url = presentation_url (info, location);
  device->location = g_strdup (location);
  device->service_type =
    sesame_upnp_sanitize_text (gupnp_service_info_get_service_type (GUPNP_SERVICE_INFO (service)));
  device->address = g_steal_pointer (&address);

  discovery->service = g_steal_pointer (&service);
  discovery->device = g_steal_pointer (&device);

  /* Finish from the main loop, outside GUPnP's signal emission */
  discovery->found_source = g_idle_source_new ();
  g_source_set_priority (discovery->found_source, G_PRIORITY_HIGH);
  g_source_set_callback (discovery->found_source, discovery_found_cb, task, NULL);
  g_source_set_name (discovery->found_source, "[sesame] UPnP router found");
  g_source_attach (discovery->found_source, g_task_get_context (task));
}

/* GUPnP 1.6 listens for HTTP on the TCP port whose number is that of its random
 * UDP search port, and only warns when that TCP port is taken. So choose a number
 * that is free for both; 0 (random, as before) if none is found. */
static guint16
pick_port (void)
{
  for (guint attempt = 0; attempt < 8; attempt++)
    {
      g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, 0);
      g_autoptr(GSocketAddress) bound = NULL;
      g_autoptr(GSocketAddress) same = NULL;
      g_autoptr(GSocket) tcp = NULL;
      g_autoptr(GSocket) udp = NULL;
      guint16 port;

      tcp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
      udp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                          NULL);
      if (tcp == NULL || udp == NULL || !g_socket_bind (tcp, address, FALSE, NULL))
        return 0;

      bound = g_socket_get_local_address (tcp, NULL);
      if (bound == NULL)
        return 0;

      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      same = g_inet_socket_address_new (any, port);
      if (g_socket_bind (udp, same, FALSE, NULL))
        return port;
    }

  return 0;
}

static GUPnPContext *
create_context (SesameUpnpClient  *self,
                GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  GUPnPContext *context;
  guint16 port = pick_port ();

  if (self->local_address != NULL)
    context = g_initable_new (GUPNP_TYPE_CONTEXT, NULL, &local_error,
                              "interface", self->interface,
                              "address", self->local_address,
                              "port", (guint) port,
                              "uda-version", GSSDP_UDA_VERSION_1_0,
                              NULL);
  else
    context = g_initable_new (GUPNP_TYPE_CONTEXT, NULL, &local_error,
                              "interface", self->interface,
                              "address-family", G_SOCKET_FAMILY_IPV4,
                              "port", (guint) port,
                              "uda-version", GSSDP_UDA_VERSION_1_0,
                              NULL);

  if (context == NULL)
    {
      g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_NETWORK,
                   /* Translators: %s is a technical reason */
                   _("UPnP cannot search this network: %s"), local_error->message);
      return NULL;
    }

  /* The router is on the LAN: never send its requests through a desktop proxy */
  soup_session_set_proxy_resolver (gupnp_context_get_session (context), NULL);

  g_debug ("searching on %s (%s)",
           gssdp_client_get_interface (GSSDP_CLIENT (context)),
           gssdp_client_get_host_ip (GSSDP_CLIENT (context)));

  return context;
}

/**
 * sesame_upnp_client_discover_async:
 * @self: a #SesameUpnpClient
 * @timeout_ms: the deadline, 0 for %SESAME_UPNP_DEFAULT_TIMEOUT_MS
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when a router was found, at the deadline, or on cancellation
 * @user_data: data for @callback
 *
 * Searches for an InternetGatewayDevice (version 1 or 2) and finishes as soon as
 * one describes a usable connection service: WANIPConnection:2, else
 * WANIPConnection:1, else WANPPPConnection:1. Routers are asked to answer within
 * a second (MX 1).
 */
void
sesame_upnp_client_discover_async (SesameUpnpClient    *self,
                                   guint                timeout_ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  static const char * const targets[] = { IGD_PREFIX "1", IGD_PREFIX "2" };
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Discovery *discovery;

  g_return_if_fail (SESAME_IS_UPNP_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_upnp_client_discover_async);

  if (self->discovery != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("A search for the router is already under way"));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  discovery = g_new0 (Discovery, 1);
  discovery->control_points = g_ptr_array_new_with_free_func (g_object_unref);
  discovery->timeout_ms = effective_timeout (timeout_ms);
  discovery->started_us = g_get_monotonic_time ();
  g_task_set_task_data (task, discovery, discovery_free);

  g_clear_object (&self->service);
  g_clear_pointer (&self->device, sesame_upnp_device_free);

  if (self->context == NULL)
    self->context = create_context (self, &error);
  if (self->context == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->discovery = g_object_ref (task);

  discovery->timeout_source = g_timeout_source_new (discovery->timeout_ms);
  g_source_set_callback (discovery->timeout_source, discovery_timeout_cb, task, NULL);
  g_source_set_name (discovery->timeout_source, "[sesame] UPnP discovery deadline");
  g_source_attach (discovery->timeout_source, g_task_get_context (task));

  if (cancellable != NULL)
    {
      discovery->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (discovery->cancel_source, G_SOURCE_FUNC (discovery_cancelled_cb),
                             task, NULL);
      g_source_attach (discovery->cancel_source, g_task_get_context (task));
    }

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      GUPnPControlPoint *control_point = gupnp_control_point_new (self->context, targets[i]);

      g_ptr_array_add (discovery->control_points, control_point);
      gssdp_resource_browser_set_mx (GSSDP_RESOURCE_BROWSER (control_point), SSDP_MX);
      g_signal_connect (control_point, "device-proxy-available",
                        G_CALLBACK (device_proxy_available_cb), task);
      gssdp_resource_browser_set_active (GSSDP_RESOURCE_BROWSER (control_point), TRUE);
    }
}

/**
 * sesame_upnp_client_discover_finish:
 * @self: a #SesameUpnpClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the router found
 */
SesameUpnpDevice *
sesame_upnp_client_discover_finish (SesameUpnpClient  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (SESAME_IS_UPNP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sesame_upnp_client_discover_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GetExternalIPAddress */

static void
get_external_address_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  static const char * const names[] = { "NewExternalIPAddress", NULL };
  SesameUpnpClient *self = SESAME_UPNP_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) values = NULL;
  GUPnPServiceProxyAction *action;
  char *address;

  action = call_action_finish (self, result, &error);
  if (action != NULL)
    {
      values = action_get_strings (action, names, &error);
      gupnp_service_proxy_action_unref (action);
    }

  if (values == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  address = sesame_upnp_parse_external_address (values[0], &error);
  if (address == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, address, g_free);
}

/**
 * sesame_upnp_client_get_external_address_async:
 * @self: a #SesameUpnpClient after a successful discovery
 * @timeout_ms: the deadline, 0 for %SESAME_UPNP_DEFAULT_TIMEOUT_MS
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Asks the router for its external address (GetExternalIPAddress).
 */
void
sesame_upnp_client_get_external_address_async (SesameUpnpClient    *self,
                                               guint                timeout_ms,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUPnPServiceProxyAction) action = NULL;

  g_return_if_fail (SESAME_IS_UPNP_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_upnp_client_get_external_address_async);

  timeout_ms = effective_timeout (timeout_ms);
  action = gupnp_service_proxy_action_new ("GetExternalIPAddress", NULL);
  call_action_async (self, action, g_get_monotonic_time () + timeout_ms * G_GINT64_CONSTANT (1000),
                     timeout_ms, cancellable, get_external_address_cb, g_steal_pointer (&task));
}

/**
 * sesame_upnp_client_get_external_address_finish:
 * @self: a #SesameUpnpClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the external IPv4 address as text
 */
char *
sesame_upnp_client_get_external_address_finish (SesameUpnpClient  *self,
                                                GAsyncResult      *result,
                                                GError           **error)
{
  g_return_val_if_fail (SESAME_IS_UPNP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sesame_upnp_client_get_external_address_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GetGenericPortMappingEntry 0, 1, … */

typedef struct
{
  GPtrArray *mappings;     /* element-type SesameUpnpMapping */
  gint64     deadline_us;
  guint      timeout_ms;
  guint      index;
  gboolean   complete;
} Listing;

static void
listing_free (gpointer data)
{
  Listing *listing = data;

  g_clear_pointer (&listing->mappings, g_ptr_array_unref);
  g_free (listing);
}

static void list_next (GTask *task);

static void
listing_return (GTask *task)
{
  Listing *listing = g_task_get_task_data (task);

  g_debug ("listed %u mappings (%s)", listing->mappings->len,
           listing->complete ? "complete" : "incomplete");
  g_task_return_pointer (task, g_steal_pointer (&listing->mappings),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
list_entry_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  static const char * const names[] = {
    "NewRemoteHost", "NewExternalPort", "NewProtocol", "NewInternalPort",
    "NewInternalClient", "NewEnabled", "NewPortMappingDescription", "NewLeaseDuration",
    NULL
  };
  SesameUpnpClient *self = SESAME_UPNP_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) entry_error = NULL;
  g_auto(GStrv) v = NULL;
  Listing *listing = g_task_get_task_data (task);
  GUPnPServiceProxyAction *action;
  SesameUpnpMapping *mapping;

  action = call_action_finish (self, result, &error);
  if (action != NULL)
    {
      v = action_get_strings (action, names, &error);
      gupnp_service_proxy_action_unref (action);
    }

  if (v == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
        }
      else if (error->domain == SESAME_UPNP_ACTION_ERROR &&
               (listing->index > 0 ||
                error->code == SESAME_UPNP_ACTION_ERROR_ARRAY_INDEX_INVALID ||
                error->code == SESAME_UPNP_ACTION_ERROR_NO_SUCH_ENTRY))
        {
          /* The end of the table: 713/714 by the standard, any refusal after the
           * first entry by some routers */
          g_debug ("end of the table at %u: %s", listing->index, error->message);
          listing_return (task);
        }
      else if (g_error_matches (error, SESAME_UPNP_CLIENT_ERROR,
                                SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE))
        {
          /* An answer that could not be read at all: skip that entry */
          g_debug ("skipping entry %u: %s", listing->index, error->message);
          listing->complete = FALSE;
          listing->index++;
          list_next (g_steal_pointer (&task));
        }
      else if (listing->index > 0)
        {
          /* The deadline or the network ended the listing early */
          g_debug ("listing stopped at %u: %s", listing->index, error->message);
          listing->complete = FALSE;
          listing_return (task);
        }
      else
        {
          g_task_return_error (task, g_steal_pointer (&error));
        }
      return;
    }

  mapping = sesame_upnp_parse_mapping (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
                                       &entry_error);
  if (mapping != NULL)
    {
      g_ptr_array_add (listing->mappings, mapping);
    }
  else
    {
      g_debug ("skipping entry %u: %s", listing->index, entry_error->message);
      listing->complete = FALSE;
    }

  listing->index++;
  list_next (g_steal_pointer (&task));
}

static void
list_next (GTask *task)
{
  SesameUpnpClient *self = g_task_get_source_object (task);
  Listing *listing = g_task_get_task_data (task);
  g_autoptr(GUPnPServiceProxyAction) action = NULL;

  if (listing->index >= SESAME_UPNP_MAX_MAPPINGS)
    {
      listing->complete = FALSE;
      listing_return (task);
      g_object_unref (task);
      return;
    }

  action = gupnp_service_proxy_action_new ("GetGenericPortMappingEntry",
                                           "NewPortMappingIndex", G_TYPE_UINT, listing->index,
                                           NULL);
  call_action_async (self, action, listing->deadline_us, listing->timeout_ms,
                     g_task_get_cancellable (task), list_entry_cb, task);
}

/**
 * sesame_upnp_client_list_mappings_async:
 * @self: a #SesameUpnpClient after a successful discovery
 * @timeout_ms: the deadline for the whole listing, 0 for %SESAME_UPNP_DEFAULT_TIMEOUT_MS
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the mappings
 * @user_data: data for @callback
 *
 * Reads the router's port mappings one by one (GetGenericPortMappingEntry), until
 * the router says there are no more (713, 714, or any refusal after the first),
 * %SESAME_UPNP_MAX_MAPPINGS entries, or the deadline.
 */
void
sesame_upnp_client_list_mappings_async (SesameUpnpClient    *self,
                                        guint                timeout_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Listing *listing;

  g_return_if_fail (SESAME_IS_UPNP_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_upnp_client_list_mappings_async);

  listing = g_new0 (Listing, 1);
  listing->mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_upnp_mapping_free);
  listing->timeout_ms = effective_timeout (timeout_ms);
  listing->deadline_us = g_get_monotonic_time () + listing->timeout_ms * G_GINT64_CONSTANT (1000);
  listing->complete = TRUE;
  g_task_set_task_data (task, listing, listing_free);

  list_next (g_steal_pointer (&task));
}

/**
 * sesame_upnp_client_list_mappings_finish:
 * @self: a #SesameUpnpClient
 * @result: the #GAsyncResult
 * @complete: (out) (optional): %FALSE if the list stopped early (deadline, limit,
 *   network) or the router listed entries that could not be read
 * @error: return location for a #GError
 *
 * An error only when not even the first entry could be read.
 *
 * Returns: (transfer container) (element-type SesameUpnpMapping) (nullable): the mappings
 */
GPtrArray *
sesame_upnp_client_list_mappings_finish (SesameUpnpClient  *self,
                                         GAsyncResult      *result,
                                         gboolean          *complete,
                                         GError           **error)
{
  Listing *listing;

  g_return_val_if_fail (SESAME_IS_UPNP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sesame_upnp_client_list_mappings_async, NULL);

  listing = g_task_get_task_data (G_TASK (result));
  if (complete != NULL)
    *complete = listing->complete;

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* AddPortMapping, DeletePortMapping */

static void
boolean_action_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SesameUpnpClient *self = SESAME_UPNP_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) values = NULL;
  GUPnPServiceProxyAction *action;

  action = call_action_finish (self, result, &error);
  if (action != NULL)
    {
      values = action_get_strings (action, NULL, &error);
      gupnp_service_proxy_action_unref (action);
    }

  if (values == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * sesame_upnp_client_add_mapping_async:
 * @self: a #SesameUpnpClient after a successful discovery
 * @protocol: TCP or UDP
 * @external_port: the port on the router, 1–65535
 * @internal_client: this host's own IPv4 address (the caller makes sure of that)
 * @internal_port: the port on this host, 1–65535
 * @description: (nullable): what the mapping is for; sanitised and cut
 * @lease_seconds: how long the router keeps it; a finite lease is required
 * @timeout_ms: the deadline, 0 for %SESAME_UPNP_DEFAULT_TIMEOUT_MS
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Adds a mapping for any remote host (AddPortMapping). Only with the person's
 * consent. A router that only supports permanent leases answers
 * %SESAME_UPNP_ACTION_ERROR_ONLY_PERMANENT_LEASES_SUPPORTED; this call never
 * falls back to a permanent mapping.
 */
void
sesame_upnp_client_add_mapping_async (SesameUpnpClient    *self,
                                      SesameUpnpProtocol   protocol,
                                      guint16              external_port,
                                      const char          *internal_client,
                                      guint16              internal_port,
                                      const char          *description,
                                      guint32              lease_seconds,
                                      guint                timeout_ms,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUPnPServiceProxyAction) action = NULL;
  g_autofree char *clean_description = NULL;
  g_autofree char *client = NULL;

  g_return_if_fail (SESAME_IS_UPNP_CLIENT (self));
  g_return_if_fail (protocol <= SESAME_UPNP_PROTOCOL_UDP);
  g_return_if_fail (external_port > 0);
  g_return_if_fail (internal_port > 0);
  g_return_if_fail (internal_client != NULL);
  g_return_if_fail (lease_seconds > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  client = parse_host_address (internal_client);
  g_return_if_fail (client != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_upnp_client_add_mapping_async);

  clean_description = sesame_upnp_sanitize_text (description != NULL ? description : "");
  timeout_ms = effective_timeout (timeout_ms);
  action = gupnp_service_proxy_action_new ("AddPortMapping",
                                           "NewRemoteHost", G_TYPE_STRING, "",
                                           "NewExternalPort", G_TYPE_UINT, (guint) external_port,
                                           "NewProtocol", G_TYPE_STRING, protocol_names[protocol],
                                           "NewInternalPort", G_TYPE_UINT, (guint) internal_port,
                                           "NewInternalClient", G_TYPE_STRING, client,
                                           "NewEnabled", G_TYPE_BOOLEAN, TRUE,
                                           "NewPortMappingDescription", G_TYPE_STRING,
                                           clean_description,
                                           "NewLeaseDuration", G_TYPE_UINT, (guint) lease_seconds,
                                           NULL);
  call_action_async (self, action, g_get_monotonic_time () + timeout_ms * G_GINT64_CONSTANT (1000),
                     timeout_ms, cancellable, boolean_action_cb, g_steal_pointer (&task));
}

gboolean
sesame_upnp_client_add_mapping_finish (SesameUpnpClient  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (SESAME_IS_UPNP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sesame_upnp_client_add_mapping_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sesame_upnp_client_delete_mapping_async:
 * @self: a #SesameUpnpClient after a successful discovery
 * @protocol: TCP or UDP
 * @external_port: the port on the router, 1–65535
 * @timeout_ms: the deadline, 0 for %SESAME_UPNP_DEFAULT_TIMEOUT_MS
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Removes the mapping for any remote host (DeletePortMapping). A mapping that does
 * not exist is %SESAME_UPNP_ACTION_ERROR_NO_SUCH_ENTRY.
 */
void
sesame_upnp_client_delete_mapping_async (SesameUpnpClient    *self,
                                         SesameUpnpProtocol   protocol,
                                         guint16              external_port,
                                         guint                timeout_ms,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUPnPServiceProxyAction) action = NULL;

  g_return_if_fail (SESAME_IS_UPNP_CLIENT (self));
  g_return_if_fail (protocol <= SESAME_UPNP_PROTOCOL_UDP);
  g_return_if_fail (external_port > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_upnp_client_delete_mapping_async);

  timeout_ms = effective_timeout (timeout_ms);
  action = gupnp_service_proxy_action_new ("DeletePortMapping",
                                           "NewRemoteHost", G_TYPE_STRING, "",
                                           "NewExternalPort", G_TYPE_UINT, (guint) external_port,
                                           "NewProtocol", G_TYPE_STRING, protocol_names[protocol],
                                           NULL);
  call_action_async (self, action, g_get_monotonic_time () + timeout_ms * G_GINT64_CONSTANT (1000),
                     timeout_ms, cancellable, boolean_action_cb, g_steal_pointer (&task));
}

gboolean
sesame_upnp_client_delete_mapping_finish (SesameUpnpClient  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  g_return_val_if_fail (SESAME_IS_UPNP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sesame_upnp_client_delete_mapping_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
