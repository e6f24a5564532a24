/* sesame-upnp-client.c
 *
 * The UPnP IGD client: discovery with GSSDP (the IGD at the gateway
 * preferred, another one named only when the person names it), the
 * device description and SOAP answers read by Sesame's own pure readers
 * (at most 256 KiB each, within the deadline, faults as faults whatever
 * the HTTP status), and the actions Sesame uses: GetExternalIPAddress,
 * GetGenericPortMappingEntry (a list cut at 256 says so), AddPortMapping
 * and DeletePortMapping.
 *
 * Over 1,000 lines: the pure readers (description, SOAP, URLs, errors)
 * are the fuzz targets' entry points and live here beside the I/O that
 * feeds them, in sections marked below; moving them out is a later
 * split, as the PMP codec was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-upnp-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libgssdp/gssdp.h>
#include <libsoup/soup.h>

#include "sesame-address.h"
#include "sesame-enum.h"
#include "sesame-probes-enums.h"
#include "sesame-upnp-client.h"

#define IGD_PREFIX       "urn:schemas-upnp-org:device:InternetGatewayDevice:"
#define SERVICE_PREFIX   "urn:schemas-upnp-org:service:"
#define SSDP_MX          1        /* seconds a router may wait before it answers */
#define MAX_DEVICE_DEPTH 4        /* root > WANDevice > WANConnectionDevice */
#define MAX_DEVICES      32       /* devices looked at in one description */
#define MAX_SCAN_BYTES   65536    /* bytes of one text from the router looked at */
#define MAX_URL_LENGTH   1024
#define MAX_XML_DEPTH    32       /* elements nested in a description or an answer */
#define MAX_DESCRIPTIONS 8        /* descriptions fetched in one discovery */
#define READ_CHUNK       16384    /* bytes read from the router at a time */
#define MAX_UNREADABLE_RUN 16     /* unreadable entries in a row that end a listing */
/* How long an IGD that is not at the gateway waits for the gateway's own: the
 * routers' answer time (MX) and a description fetch */
#define GATEWAY_GRACE_MS (SSDP_MX * 1000 + 500)

struct _SesameUpnpClient
{
  GObject             parent_instance;

  char               *interface;       /* nullable */
  GInetAddress       *local_address;   /* nullable */
  char               *gateway;         /* nullable: the default gateway's address */
  char               *igd_host;        /* nullable: the only host whose IGD is taken */

  SoupSession        *session;         /* descriptions and actions */
  GSSDPClient        *ssdp;            /* nullable: made by the first discovery */
  SesameUpnpDevice   *device;          /* nullable: the router the last discovery found */

  GTask              *discovery;       /* nullable: the discovery under way */
};

G_DEFINE_FINAL_TYPE (SesameUpnpClient, sesame_upnp_client, G_TYPE_OBJECT)
G_DEFINE_QUARK (sesame-upnp-client-error-quark, sesame_upnp_client_error)
G_DEFINE_QUARK (sesame-upnp-action-error-quark, sesame_upnp_action_error)
G_DEFINE_BOXED_TYPE (SesameUpnpDevice, sesame_upnp_device,
                     sesame_upnp_device_copy, sesame_upnp_device_free)
G_DEFINE_BOXED_TYPE (SesameUpnpMapping, sesame_upnp_mapping,
                     sesame_upnp_mapping_copy, sesame_upnp_mapping_free)

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
  copy->control_url = g_strdup (device->control_url);
  copy->is_gateway = device->is_gateway;

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
  g_free (device->control_url);
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

SESAME_DEFINE_ENUM_STRINGS (SesameUpnpProtocol, sesame_upnp_protocol, SESAME_TYPE_UPNP_PROTOCOL)

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
  g_autofree char *upper = g_ascii_strup (clean, -1);

  return sesame_upnp_protocol_from_string (upper, protocol);
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

/* The SOAP reader
 *
 * An answer is read with GMarkup, which knows no DTD and no entities but the five
 * of XML, so nothing in it can make the reader fetch or expand anything. Element
 * names are compared without their namespace prefix, as routers spell them in
 * many ways. A fault is a fault whatever the HTTP status it came with. */

typedef struct
{
  const char         *response;      /* "GetExternalIPAddressResponse" */
  const char * const *names;         /* the out arguments wanted */
  char              **values;        /* as many as names */
  GString            *text;          /* of the element being read */
  guint               depth;
  guint               response_depth;  /* 0: not inside the response element */
  gboolean            seen_response;
  gboolean            fault;
  char               *error_code;      /* nullable */
  char               *error_description;  /* nullable */
  char               *fault_string;    /* nullable */
} SoapReader;

static const char *
local_name (const char *name)
{
  const char *colon = strrchr (name, ':');

  return colon != NULL ? colon + 1 : name;
}

static void
soap_start_element (G_GNUC_UNUSED GMarkupParseContext *context,
                    const char                        *element_name,
                    G_GNUC_UNUSED const char         **attribute_names,
                    G_GNUC_UNUSED const char         **attribute_values,
                    gpointer                           user_data,
                    GError                           **error)
{
  SoapReader *reader = user_data;
  const char *name = local_name (element_name);

  if (++reader->depth > MAX_XML_DEPTH)
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           "too deeply nested");
      return;
    }

  g_string_truncate (reader->text, 0);

  if (g_str_equal (name, "Fault"))
    reader->fault = TRUE;
  else if (!reader->seen_response && g_str_equal (name, reader->response))
    {
      reader->seen_response = TRUE;
      reader->response_depth = reader->depth;
    }
}

static void
keep_first (char       **slot,
            const char  *text)
{
  if (*slot == NULL)
    *slot = g_strdup (text);
}

static void
soap_end_element (G_GNUC_UNUSED GMarkupParseContext *context,
                  const char                        *element_name,
                  gpointer                           user_data,
                  G_GNUC_UNUSED GError             **error)
{
  SoapReader *reader = user_data;
  const char *name = local_name (element_name);

  if (reader->response_depth > 0 && reader->depth == reader->response_depth + 1)
    {
      for (guint i = 0; reader->names[i] != NULL; i++)
        {
          if (g_str_equal (name, reader->names[i]))
            keep_first (&reader->values[i], reader->text->str);
        }
    }
  else if (reader->depth == reader->response_depth)
    {
      reader->response_depth = 0;
    }

  if (reader->fault)
    {
      if (g_str_equal (name, "errorCode"))
        keep_first (&reader->error_code, reader->text->str);
      else if (g_str_equal (name, "errorDescription"))
        keep_first (&reader->error_description, reader->text->str);
      else if (g_str_equal (name, "faultstring"))
        keep_first (&reader->fault_string, reader->text->str);
    }

  g_string_truncate (reader->text, 0);
  reader->depth--;
}

static void
soap_text (G_GNUC_UNUSED GMarkupParseContext *context,
           const char                        *text,
           gsize                              length,
           gpointer                           user_data,
           G_GNUC_UNUSED GError             **error)
{
  SoapReader *reader = user_data;

  if (reader->text->len < MAX_SCAN_BYTES)
    g_string_append_len (reader->text, text, MIN (length, MAX_SCAN_BYTES - reader->text->len));
}

/**
 * sesame_upnp_parse_soap_response:
 * @status: the HTTP status the answer came with
 * @data: (array length=length): the answer's body, untrusted
 * @length: its length
 * @action: the action asked, such as "GetExternalIPAddress"
 * @names: (array zero-terminated=1): the out arguments wanted
 * @error: return location for a #GError
 *
 * Reads the router's answer to one action. A SOAP fault, whatever the HTTP status,
 * is %SESAME_UPNP_ACTION_ERROR with the UPnP error code; a body larger than
 * %SESAME_UPNP_MAX_BODY, an answer that is not XML, has no response element or
 * comes with an HTTP error is %SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE (or
 * %SESAME_UPNP_CLIENT_ERROR_TOO_LARGE).
 *
 * Returns: (transfer full) (nullable) (element-type utf8): one text per
 *   name, %NULL where missing (the array has as many slots as @names, so
 *   read it by index; unreffing it frees every text)
 */
GPtrArray *
sesame_upnp_parse_soap_response (guint               status,
                                 const char         *data,
                                 gsize               length,
                                 const char         *action,
                                 const char * const *names,
                                 GError            **error)
{
  static const GMarkupParser parser = {
    soap_start_element, soap_end_element, soap_text, NULL, NULL,
  };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) markup_error = NULL;
  g_autofree char *response = NULL;
  g_autoptr(GPtrArray) values = NULL;
  SoapReader reader = { 0 };
  guint n_names;
  gboolean parsed;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (action != NULL, NULL);
  g_return_val_if_fail (names != NULL, NULL);

  if (length > SESAME_UPNP_MAX_BODY)
    {
      g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_TOO_LARGE,
                   /* Translators: %s is a UPnP action such as GetGenericPortMappingEntry,
                    * %u a number of KiB */
                   _("The router's answer to %s is larger than %u KiB"),
                   action, SESAME_UPNP_MAX_BODY / 1024);
      return NULL;
    }

  n_names = g_strv_length ((char **) names);
  values = g_ptr_array_new_full (n_names, g_free);
  g_ptr_array_set_size (values, n_names);
  response = g_strconcat (action, "Response", NULL);
  reader.response = response;
  reader.names = names;
  reader.values = (char **) values->pdata;
  reader.text = g_string_new (NULL);

  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &reader, NULL);
  parsed = g_markup_parse_context_parse (context, data, length, &markup_error) &&
           g_markup_parse_context_end_parse (context, &markup_error);
  g_string_free (reader.text, TRUE);

  if (reader.fault)
    {
      guint64 code = 0;
      g_autofree char *clean_code = trimmed (reader.error_code);

      if (g_ascii_string_to_unsigned (clean_code, 10, 1, 9999, &code, NULL))
        {
          set_action_error (error, (int) code, reader.error_description);
        }
      else
        {
          g_autofree char *detail = sesame_upnp_sanitize_text (reader.fault_string != NULL
                                                               ? reader.fault_string : "");

          g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE,
                       /* Translators: the first %s is a UPnP action, the second the
                        * router's own words, possibly empty */
                       _("The router answered %s with a fault that gives no UPnP error: “%s”"),
                       action, detail);
        }
    }
  else if (status < 200 || status > 299)
    {
      g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE,
                   /* Translators: %s is a UPnP action, %u an HTTP status such as 404 */
                   _("The router answered %s with HTTP status %u"), action, status);
    }
  else if (!parsed)
    {
      g_autofree char *detail = sesame_upnp_sanitize_text (markup_error->message);

      g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE,
                   /* Translators: %s is a UPnP action, the second %s a technical reason */
                   _("The router's answer to %s could not be read: %s"), action, detail);
    }
  else if (!reader.seen_response)
    {
      g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE,
                   /* Translators: %s is a UPnP action */
                   _("The router's answer to %s is not an answer to it"), action);
    }

  g_free (reader.error_code);
  g_free (reader.error_description);
  g_free (reader.fault_string);

  if (reader.fault || (status < 200 || status > 299) || !parsed || !reader.seen_response)
    return NULL;

  return g_steal_pointer (&values);
}

/* The description reader
 *
 * The description is read with GMarkup too, into a small tree of the devices and
 * their services, never more than MAX_DEVICES of them. */

typedef struct
{
  char *type;
  char *control_url;
} ServiceNode;

typedef struct
{
  char      *fields[7];   /* DeviceField */
  GPtrArray *services;    /* element-type ServiceNode */
  guint      level;       /* 0 for the root device */
} DeviceNode;

enum
{
  DF_TYPE, DF_FRIENDLY_NAME, DF_MANUFACTURER, DF_MODEL_NAME, DF_MODEL_NUMBER,
  DF_MODEL_DESCRIPTION, DF_UDN,
};

static const char * const device_field_names[] = {
  "deviceType", "friendlyName", "manufacturer", "modelName", "modelNumber",
  "modelDescription", "UDN",
};

typedef struct
{
  GPtrArray *stack;          /* element-type utf8: local names of the open elements */
  GPtrArray *devices;        /* element-type DeviceNode, in document order */
  GPtrArray *open_devices;   /* element-type DeviceNode: the ones being read */
  ServiceNode *service;      /* nullable: the one being read */
  GString   *text;
  char      *url_base;       /* nullable */
  char      *presentation;   /* nullable: the root device's presentationURL */
  gboolean   has_root;
} DescriptionReader;

static void
service_node_free (gpointer data)
{
  ServiceNode *node = data;

  g_free (node->type);
  g_free (node->control_url);
  g_free (node);
}

static void
device_node_free (gpointer data)
{
  DeviceNode *node = data;

  for (guint i = 0; i < G_N_ELEMENTS (node->fields); i++)
    g_free (node->fields[i]);
  g_ptr_array_unref (node->services);
  g_free (node);
}

static const char *
parent_name (DescriptionReader *reader,
             guint              up)
{
  if (reader->stack->len < up + 1)
    return "";

  return g_ptr_array_index (reader->stack, reader->stack->len - 1 - up);
}

static void
description_start_element (G_GNUC_UNUSED GMarkupParseContext *context,
                           const char                        *element_name,
                           G_GNUC_UNUSED const char         **attribute_names,
                           G_GNUC_UNUSED const char         **attribute_values,
                           gpointer                           user_data,
                           GError                           **error)
{
  DescriptionReader *reader = user_data;
  const char *name = local_name (element_name);
  const char *parent = parent_name (reader, 0);

  if (reader->stack->len >= MAX_XML_DEPTH)
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           "too deeply nested");
      return;
    }

  if (reader->stack->len == 0 && g_str_equal (name, "root"))
    reader->has_root = TRUE;

  if (g_str_equal (name, "device") &&
      ((reader->stack->len == 1 && reader->has_root) ||
       (g_str_equal (parent, "deviceList") && reader->open_devices->len > 0)))
    {
      DeviceNode *node;

      if (reader->devices->len >= MAX_DEVICES || reader->open_devices->len > MAX_DEVICE_DEPTH)
        {
          g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                               "too many devices");
          return;
        }

      node = g_new0 (DeviceNode, 1);
      node->services = g_ptr_array_new_with_free_func (service_node_free);
      node->level = reader->open_devices->len;
      g_ptr_array_add (reader->devices, node);
      g_ptr_array_add (reader->open_devices, node);
    }
  else if (g_str_equal (name, "service") && g_str_equal (parent, "serviceList") &&
           reader->open_devices->len > 0 && reader->service == NULL)
    {
      DeviceNode *device = g_ptr_array_index (reader->open_devices, reader->open_devices->len - 1);

      if (device->services->len >= MAX_DEVICES)
        {
          g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                               "too many services");
          return;
        }

      reader->service = g_new0 (ServiceNode, 1);
      g_ptr_array_add (device->services, reader->service);
    }

  g_ptr_array_add (reader->stack, g_strdup (name));
  g_string_truncate (reader->text, 0);
}

static void
description_end_element (G_GNUC_UNUSED GMarkupParseContext *context,
                         G_GNUC_UNUSED const char          *element_name,
                         gpointer                           user_data,
                         G_GNUC_UNUSED GError             **error)
{
  DescriptionReader *reader = user_data;
  g_autofree char *name = g_ptr_array_steal_index (reader->stack, reader->stack->len - 1);
  const char *parent = parent_name (reader, 0);
  DeviceNode *device = NULL;

  if (reader->open_devices->len > 0)
    device = g_ptr_array_index (reader->open_devices, reader->open_devices->len - 1);

  if (g_str_equal (name, "device") && device != NULL &&
      (g_str_equal (parent, "deviceList") || g_str_equal (parent, "root")) &&
      reader->service == NULL)
    {
      g_ptr_array_remove_index (reader->open_devices, reader->open_devices->len - 1);
    }
  else if (g_str_equal (name, "service") && reader->service != NULL &&
           g_str_equal (parent, "serviceList"))
    {
      reader->service = NULL;
    }
  else if (reader->service != NULL && g_str_equal (parent, "service"))
    {
      if (g_str_equal (name, "serviceType"))
        keep_first (&reader->service->type, reader->text->str);
      else if (g_str_equal (name, "controlURL"))
        keep_first (&reader->service->control_url, reader->text->str);
    }
  else if (device != NULL && g_str_equal (parent, "device"))
    {
      for (guint i = 0; i < G_N_ELEMENTS (device_field_names); i++)
        {
          if (g_str_equal (name, device_field_names[i]))
            keep_first (&device->fields[i], reader->text->str);
        }
      if (device->level == 0 && g_str_equal (name, "presentationURL"))
        keep_first (&reader->presentation, reader->text->str);
    }
  else if (g_str_equal (name, "URLBase") && g_str_equal (parent, "root") &&
           reader->stack->len == 1)
    {
      keep_first (&reader->url_base, reader->text->str);
    }

  g_string_truncate (reader->text, 0);
}

static void
description_text (G_GNUC_UNUSED GMarkupParseContext *context,
                  const char                        *text,
                  gsize                              length,
                  gpointer                           user_data,
                  G_GNUC_UNUSED GError             **error)
{
  DescriptionReader *reader = user_data;

  if (reader->text->len < MAX_SCAN_BYTES)
    g_string_append_len (reader->text, text, MIN (length, MAX_SCAN_BYTES - reader->text->len));
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

/* A URL from the description made absolute; NULL unless it is a printable http(s) URL */
static char *
resolve_url (const char *base,
             const char *raw)
{
  g_autofree char *clean = NULL;
  g_autofree char *absolute = NULL;
  const char *scheme;

  if (raw == NULL || strlen (raw) > MAX_URL_LENGTH)
    return NULL;

  clean = g_strstrip (g_strdup (raw));
  if (*clean == '\0')
    return NULL;
  for (const char *p = clean; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x21 || (guchar) *p >= 0x7f)
        return NULL;
    }

  absolute = g_uri_resolve_relative (base, clean, G_URI_FLAGS_NONE, NULL);
  if (absolute == NULL)
    return NULL;

  scheme = g_uri_peek_scheme (absolute);
  if (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
    return NULL;

  return g_steal_pointer (&absolute);
}

/**
 * sesame_upnp_parse_description:
 * @location: the URL the description came from
 * @data: (array length=length): the description, untrusted
 * @length: its length
 * @error: return location for a #GError
 *
 * Reads a router's device description: the root device's words and the best
 * WAN*Connection service whose control URL is on the description's own host
 * (WANIPConnection:2, else WANIPConnection:1, else WANPPPConnection:1). A
 * description cannot send the client's requests to another host.
 * @is_gateway is left %FALSE: the client decides it.
 *
 * Errors: %SESAME_UPNP_CLIENT_ERROR_TOO_LARGE over %SESAME_UPNP_MAX_BODY,
 * %SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE for anything that is not a device
 * description, %SESAME_UPNP_CLIENT_ERROR_NO_SERVICE without a usable service.
 *
 * Returns: (transfer full) (nullable): the router
 */
SesameUpnpDevice *
sesame_upnp_parse_description (const char  *location,
                               const char  *data,
                               gsize        length,
                               GError     **error)
{
  static const GMarkupParser parser = {
    description_start_element, description_end_element, description_text, NULL, NULL,
  };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) markup_error = NULL;
  g_autoptr(SesameUpnpDevice) device = NULL;
  g_autofree char *address = url_ipv4_host (location);
  g_autofree char *base = NULL;
  DescriptionReader reader = { 0 };
  const ServiceNode *best = NULL;
  g_autofree char *best_url = NULL;
  int best_rank = 0;
  gboolean parsed;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (address == NULL)
    {
      g_autofree char *quoted = quote_value (location);

      g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE,
                   /* Translators: %s is a URL, in quotes */
                   _("A UPnP device described itself at %s, which is not an http URL on an IPv4 address"),
                   quoted);
      return NULL;
    }

  if (length > SESAME_UPNP_MAX_BODY)
    {
      g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_TOO_LARGE,
                   /* Translators: %s is the router's address, %u a number of KiB */
                   _("The router's description (from %s) is larger than %u KiB"),
                   address, SESAME_UPNP_MAX_BODY / 1024);
      return NULL;
    }

  reader.stack = g_ptr_array_new_with_free_func (g_free);
  reader.devices = g_ptr_array_new_with_free_func (device_node_free);
  reader.open_devices = g_ptr_array_new ();
  reader.text = g_string_new (NULL);

  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &reader, NULL);
  parsed = g_markup_parse_context_parse (context, data, length, &markup_error) &&
           g_markup_parse_context_end_parse (context, &markup_error);

  if (parsed && reader.devices->len > 0)
    {
      DeviceNode *root = g_ptr_array_index (reader.devices, 0);

      base = resolve_url (location, reader.url_base);
      if (base == NULL)
        base = g_strdup (location);

      for (guint i = 0; i < reader.devices->len; i++)
        {
          DeviceNode *node = g_ptr_array_index (reader.devices, i);

          for (guint j = 0; j < node->services->len; j++)
            {
              const ServiceNode *service = g_ptr_array_index (node->services, j);
              int rank = service_rank (service->type);
              g_autofree char *url = NULL;
              g_autofree char *host = NULL;

              if (rank <= best_rank)
                continue;

              url = resolve_url (base, service->control_url);
              host = url_ipv4_host (url);
              if (g_strcmp0 (host, address) != 0)
                {
                  g_autofree char *quoted = quote_value (service->control_url);

                  g_debug ("ignoring %s: control URL %s is not on %s", service->type, quoted, address);
                  continue;
                }

              best = service;
              best_rank = rank;
              g_free (best_url);
              best_url = g_steal_pointer (&url);
            }
        }

      device = g_new0 (SesameUpnpDevice, 1);
      device->friendly_name = sanitize_or_null (root->fields[DF_FRIENDLY_NAME]);
      device->manufacturer = sanitize_or_null (root->fields[DF_MANUFACTURER]);
      device->model_name = sanitize_or_null (root->fields[DF_MODEL_NAME]);
      device->model_number = sanitize_or_null (root->fields[DF_MODEL_NUMBER]);
      device->model_description = sanitize_or_null (root->fields[DF_MODEL_DESCRIPTION]);
      device->udn = sesame_upnp_sanitize_text (root->fields[DF_UDN] != NULL ? root->fields[DF_UDN] : "");
      device->presentation_url = resolve_url (base, reader.presentation);
      device->location = g_strdup (location);
      device->address = g_strdup (address);
      if (best != NULL)
        {
          device->service_type = sesame_upnp_sanitize_text (best->type);
          device->control_url = g_steal_pointer (&best_url);
        }
    }

  g_ptr_array_unref (reader.stack);
  g_ptr_array_unref (reader.devices);
  g_ptr_array_unref (reader.open_devices);
  g_string_free (reader.text, TRUE);
  g_free (reader.url_base);
  g_free (reader.presentation);

  if (!parsed)
    {
      g_autofree char *detail = sesame_upnp_sanitize_text (markup_error->message);

      g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE,
                   /* Translators: the first %s is the router's address, the second a
                    * technical reason */
                   _("The router's description (from %s) could not be read: %s"), address, detail);
      return NULL;
    }

  if (device == NULL)
    {
      g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE,
                   /* Translators: %s is the router's address */
                   _("What %s sent is not a UPnP device description"), address);
      return NULL;
    }

  if (device->service_type == NULL)
    {
      g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_NO_SERVICE,
                   /* Translators: %s is the router's name or address */
                   _("The UPnP router %s offers no WANIPConnection or WANPPPConnection "
                     "service"),
                   address);
      return NULL;
    }

  return g_steal_pointer (&device);
}

/* One HTTP exchange with the router, with a deadline and a cap.
 *
 * The task returns at the deadline or on cancellation even if libsoup has not
 * called back yet; libsoup's request is then cancelled and its late answer
 * dropped. A body announced or found larger than the cap ends the exchange
 * without reading further, so a router cannot make the client hold more than
 * SESAME_UPNP_MAX_BODY (and one read) of it. */

typedef struct
{
  SoupMessage  *message;
  GInputStream *stream;           /* nullable: once the headers are in */
  GByteArray   *body;
  GCancellable *inner;            /* cancels libsoup's request */
  GSource      *timeout_source;   /* nullable */
  GSource      *cancel_source;    /* nullable */
  char         *too_large;        /* the message for a body over the cap */
  guint         timeout_ms;       /* for the message */
  gboolean      returned;
} Fetch;

static void
fetch_destroy_sources (Fetch *fetch)
{
  if (fetch->timeout_source != NULL)
    {
      g_source_destroy (fetch->timeout_source);
      g_clear_pointer (&fetch->timeout_source, g_source_unref);
    }
  if (fetch->cancel_source != NULL)
    {
      g_source_destroy (fetch->cancel_source);
      g_clear_pointer (&fetch->cancel_source, g_source_unref);
    }
}

static void
fetch_free (gpointer data)
{
  Fetch *fetch = data;

  fetch_destroy_sources (fetch);
  g_clear_object (&fetch->stream);
  g_clear_object (&fetch->message);
  g_clear_object (&fetch->inner);
  g_clear_pointer (&fetch->body, g_byte_array_unref);
  g_free (fetch->too_large);
  g_free (fetch);
}

static void
fetch_return_error (GTask  *task,
                    GError *error)
{
  Fetch *fetch = g_task_get_task_data (task);

  if (fetch->returned)
    {
      g_error_free (error);
      return;
    }

  fetch->returned = TRUE;
  fetch_destroy_sources (fetch);
  g_cancellable_cancel (fetch->inner);
  g_clear_pointer (&fetch->body, g_byte_array_unref);
  g_task_return_error (task, error);
}

static void
fetch_return_too_large (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  g_debug ("%s", fetch->too_large);
  fetch_return_error (task, g_error_new_literal (SESAME_UPNP_CLIENT_ERROR,
                                                 SESAME_UPNP_CLIENT_ERROR_TOO_LARGE,
                                                 fetch->too_large));
}

static GError *
network_error (const GError *error)
{
  g_autofree char *detail = sesame_upnp_sanitize_text (error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  return g_error_new (SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_NETWORK,
                      /* Translators: %s is a technical reason */
                      _("The router could not be reached: %s"), detail);
}

static gboolean
fetch_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Fetch *fetch = g_task_get_task_data (task);

  g_debug ("request timed out after %u ms", fetch->timeout_ms);
  fetch_return_error (task, timed_out_error (fetch->timeout_ms));
  return G_SOURCE_REMOVE;
}

static gboolean
fetch_cancelled_cb (G_GNUC_UNUSED GCancellable *cancellable,
                    gpointer                    user_data)
{
  fetch_return_error (user_data, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                      _("Cancelled")));
  return G_SOURCE_REMOVE;
}

static void fetch_read_next (GTask *task);

static void
fetch_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;
  Fetch *fetch = g_task_get_task_data (task);

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (fetch->returned)
    return;

  if (chunk == NULL)
    {
      fetch_return_error (task, network_error (error));
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      fetch->returned = TRUE;
      fetch_destroy_sources (fetch);
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&fetch->body)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (fetch->body->len + g_bytes_get_size (chunk) > SESAME_UPNP_MAX_BODY)
    {
      fetch_return_too_large (task);
      return;
    }

  g_byte_array_append (fetch->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  fetch_read_next (g_steal_pointer (&task));
}

static void
fetch_read_next (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (fetch->stream, READ_CHUNK, G_PRIORITY_DEFAULT, fetch->inner,
                                   fetch_read_cb, task);
}

static void
fetch_sent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  Fetch *fetch = g_task_get_task_data (task);
  SoupMessageHeaders *headers;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (fetch->returned)
    return;

  if (stream == NULL)
    {
      fetch_return_error (task, network_error (error));
      return;
    }

  fetch->stream = g_steal_pointer (&stream);

  /* Refused before a byte of the body is read */
  headers = soup_message_get_response_headers (fetch->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > SESAME_UPNP_MAX_BODY)
    {
      fetch_return_too_large (task);
      return;
    }

  fetch_read_next (g_steal_pointer (&task));
}

static void
fetch_async (SesameUpnpClient    *self,
             SoupMessage         *message,
             char                *too_large,
             gint64               deadline_us,
             guint                timeout_ms,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Fetch *fetch;
  gint64 remaining_ms;

  g_assert (SESAME_IS_UPNP_CLIENT (self));
  g_assert (SOUP_IS_MESSAGE (message));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fetch_async);

  fetch = g_new0 (Fetch, 1);
  fetch->message = g_object_ref (message);
  fetch->body = g_byte_array_new ();
  fetch->inner = g_cancellable_new ();
  fetch->too_large = too_large;
  fetch->timeout_ms = timeout_ms;
  g_task_set_task_data (task, fetch, fetch_free);

  if (g_task_return_error_if_cancelled (task))
    {
      fetch->returned = TRUE;
      return;
    }

  remaining_ms = (deadline_us - g_get_monotonic_time () + 999) / 1000;
  if (remaining_ms <= 0)
    {
      fetch->returned = TRUE;
      g_task_return_error (task, timed_out_error (timeout_ms));
      return;
    }

  fetch->timeout_source = g_timeout_source_new ((guint) remaining_ms);
  g_source_set_callback (fetch->timeout_source, fetch_timeout_cb, task, NULL);
  g_source_set_name (fetch->timeout_source, "[sesame] UPnP request deadline");
  g_source_attach (fetch->timeout_source, g_task_get_context (task));

  if (cancellable != NULL)
    {
      fetch->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (fetch->cancel_source, G_SOURCE_FUNC (fetch_cancelled_cb), task, NULL);
      g_source_attach (fetch->cancel_source, g_task_get_context (task));
    }

  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT, fetch->inner,
                           fetch_sent_cb, g_object_ref (task));
}

static GBytes *
fetch_finish (SesameUpnpClient  *self,
              GAsyncResult      *result,
              guint             *status,
              GError           **error)
{
  Fetch *fetch;

  g_assert (g_task_is_valid (result, self));
  g_assert (g_task_get_source_tag (G_TASK (result)) == fetch_async);

  fetch = g_task_get_task_data (G_TASK (result));
  *status = soup_message_get_status (fetch->message);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject */

static void
sesame_upnp_client_dispose (GObject *object)
{
  SesameUpnpClient *self = (SesameUpnpClient *)object;

  g_clear_object (&self->ssdp);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (sesame_upnp_client_parent_class)->dispose (object);
}

static void
sesame_upnp_client_finalize (GObject *object)
{
  SesameUpnpClient *self = (SesameUpnpClient *)object;

  g_clear_pointer (&self->interface, g_free);
  g_clear_object (&self->local_address);
  g_clear_pointer (&self->gateway, g_free);
  g_clear_pointer (&self->igd_host, g_free);
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
sesame_upnp_client_init (SesameUpnpClient *self)
{
  /* The router is on the LAN: never send its requests through a desktop proxy */
  self->session = soup_session_new_with_options ("max-conns-per-host", 4, NULL);
  soup_session_set_proxy_resolver (self->session, NULL);
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
 * sesame_upnp_client_set_gateway:
 * @self: a #SesameUpnpClient
 * @gateway: (nullable): the default gateway's IPv4 address
 *
 * The IGD at the default gateway is the router: discovery prefers it to any other
 * device that answers, waits a little for it when another answers first, and marks
 * the device found with @is_gateway. Both the description and the control URL
 * must be on @gateway for that.
 */
void
sesame_upnp_client_set_gateway (SesameUpnpClient *self,
                                const char       *gateway)
{
  g_return_if_fail (SESAME_IS_UPNP_CLIENT (self));

  g_free (self->gateway);
  self->gateway = parse_host_address (gateway);
}

/**
 * sesame_upnp_client_set_igd_host:
 * @self: a #SesameUpnpClient
 * @host: (nullable): an IPv4 address, %NULL for any
 *
 * Only the IGD on @host is taken; every other device that answers is ignored.
 * For the one the person named, when it is not at the gateway.
 */
void
sesame_upnp_client_set_igd_host (SesameUpnpClient *self,
                                 const char       *host)
{
  g_return_if_fail (SESAME_IS_UPNP_CLIENT (self));

  g_free (self->igd_host);
  self->igd_host = parse_host_address (host);
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

/* Discovery
 *
 * GSSDP finds the devices; each description is fetched with the cap and read by
 * sesame_upnp_parse_description(). The gateway's IGD ends the search at once;
 * another one is kept and returned when the gateway has said nothing within
 * GATEWAY_GRACE_MS of the search (or, at the latest, at the deadline). */

typedef struct
{
  GPtrArray         *browsers;         /* element-type GSSDPResourceBrowser */
  GHashTable        *locations;        /* utf8 set: descriptions asked for */
  GCancellable      *fetches;          /* cancels the descriptions being fetched */
  GSource           *timeout_source;   /* nullable */
  GSource           *cancel_source;    /* nullable */
  GSource           *found_source;     /* nullable: finishes with the device found */
  guint              timeout_ms;
  gint64             started_us;
  guint              pending;          /* descriptions being fetched */
  char              *pending_host;     /* nullable: the host of the last one asked */
  GError            *failure;          /* nullable: what went wrong with a device */
  SesameUpnpDevice  *device;           /* nullable: the best one found */
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

  for (guint i = 0; i < discovery->browsers->len; i++)
    {
      GSSDPResourceBrowser *browser = g_ptr_array_index (discovery->browsers, i);

      g_signal_handlers_disconnect_by_data (browser, task);
      gssdp_resource_browser_set_active (browser, FALSE);
    }
  g_ptr_array_set_size (discovery->browsers, 0);
  g_cancellable_cancel (discovery->fetches);
}

static void
discovery_free (gpointer data)
{
  Discovery *discovery = data;

  g_assert (discovery->timeout_source == NULL);
  g_assert (discovery->browsers->len == 0);

  g_clear_pointer (&discovery->browsers, g_ptr_array_unref);
  g_clear_pointer (&discovery->locations, g_hash_table_unref);
  g_clear_object (&discovery->fetches);
  g_clear_pointer (&discovery->pending_host, g_free);
  g_clear_error (&discovery->failure);
  g_clear_pointer (&discovery->device, sesame_upnp_device_free);
  g_free (discovery);
}

/* Only ever called from a main-loop source of our own, never from inside a GSSDP
 * signal, so that dropping the browsers is safe. */
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

  g_debug ("found %s at %s (%s) after %" G_GINT64_FORMAT " ms",
           discovery->device->service_type, discovery->device->address,
           discovery->device->is_gateway ? "the gateway" : "not the gateway",
           (g_get_monotonic_time () - discovery->started_us) / 1000);

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

  if (discovery->device != NULL)
    error = NULL;
  else if (discovery->failure != NULL)
    error = g_error_copy (discovery->failure);
  else if (discovery->pending > 0)
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                         /* Translators: %s is an address, %u a number of milliseconds */
                         _("The UPnP router at %s did not send its description within %u ms"),
                         discovery->pending_host, discovery->timeout_ms);
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
  GTask *task = user_data;
  Discovery *discovery = g_task_get_task_data (task);

  if (discovery->device != NULL)
    discovery_return (task, NULL);
  else
    discovery_return (task, g_steal_pointer (&discovery->failure));

  return G_SOURCE_REMOVE;
}

/* Ends the search after @delay_ms (0: at once, from the main loop) */
static void
discovery_finish_in (GTask *task,
                     guint  delay_ms)
{
  Discovery *discovery = g_task_get_task_data (task);

  if (discovery->found_source != NULL)
    {
      if (delay_ms > 0)
        return;
      g_source_destroy (discovery->found_source);
      g_clear_pointer (&discovery->found_source, g_source_unref);
    }

  discovery->found_source = delay_ms > 0 ? g_timeout_source_new (delay_ms) : g_idle_source_new ();
  g_source_set_priority (discovery->found_source, G_PRIORITY_HIGH);
  g_source_set_callback (discovery->found_source, discovery_found_cb, task, NULL);
  g_source_set_name (discovery->found_source, "[sesame] UPnP router found");
  g_source_attach (discovery->found_source, g_task_get_context (task));
}

static gboolean
is_decisive_host (SesameUpnpClient *self,
                  const char       *address)
{
  if (self->igd_host != NULL)
    return g_strcmp0 (address, self->igd_host) == 0;
  if (self->gateway != NULL)
    return g_strcmp0 (address, self->gateway) == 0;

  return TRUE;
}

/* One description being fetched */
typedef struct
{
  GTask *task;       /* the discovery */
  char  *location;
} Described;

static void
described_free (Described *described)
{
  g_object_unref (described->task);
  g_free (described->location);
  g_free (described);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Described, described_free)

static void
description_fetched_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  SesameUpnpClient *self = SESAME_UPNP_CLIENT (object);
  g_autoptr(Described) described = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SesameUpnpDevice) device = NULL;
  GTask *task = described->task;
  Discovery *discovery = g_task_get_task_data (task);
  const char *location = described->location;
  g_autofree char *address = url_ipv4_host (location);
  guint status = 0;
  gboolean decisive;

  body = fetch_finish (self, result, &status, &error);
  if (self->discovery != task)
    return;   /* the search ended */

  discovery->pending--;
  decisive = is_decisive_host (self, address);

  /* The fetch's own deadline may come just before the search's: either
   * way the person hears which device kept its description back */
  if (body == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_clear_error (&error);
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           /* Translators: %s is an address, %u a number of milliseconds */
                           _("The UPnP router at %s did not send its description within %u ms"),
                           address, discovery->timeout_ms);
    }
  else if (body != NULL && !SOUP_STATUS_IS_SUCCESSFUL (status))
    error = g_error_new (SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE,
                         /* Translators: %s is an address, %u an HTTP status such as 404 */
                         _("The UPnP router at %s answered HTTP status %u for its description"),
                         address, status);
  else if (body != NULL)
    device = sesame_upnp_parse_description (location, g_bytes_get_data (body, NULL),
                                            g_bytes_get_size (body), &error);

  if (device == NULL)
    {
      g_debug ("%s: %s", address, error->message);
      if (discovery->failure == NULL || decisive)
        {
          g_clear_error (&discovery->failure);
          discovery->failure = g_steal_pointer (&error);
        }
      /* The router itself cannot be used: say why now, unless another device was
       * found meanwhile, which is then what the search found */
      if (decisive)
        discovery_finish_in (task, 0);
      return;
    }

  device->is_gateway = self->gateway != NULL && g_str_equal (device->address, self->gateway);
  g_debug ("%s described %s after %" G_GINT64_FORMAT " ms", device->address, device->service_type,
           (g_get_monotonic_time () - discovery->started_us) / 1000);

  if (decisive)
    {
      g_clear_pointer (&discovery->device, sesame_upnp_device_free);
      discovery->device = g_steal_pointer (&device);
      discovery_finish_in (task, 0);
    }
  else if (discovery->device == NULL)
    {
      gint64 waited_ms = (g_get_monotonic_time () - discovery->started_us) / 1000;

      discovery->device = g_steal_pointer (&device);
      discovery_finish_in (task, waited_ms < GATEWAY_GRACE_MS ? GATEWAY_GRACE_MS - waited_ms : 0);
    }
}

static void
on_browser_resource_available (G_GNUC_UNUSED GSSDPResourceBrowser *browser,
                               const char                         *usn,
                               GList                              *locations,
                               gpointer                            user_data)
{
  GTask *task = user_data;
  SesameUpnpClient *self = g_task_get_source_object (task);
  Discovery *discovery = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *address = NULL;
  const char *location = locations != NULL ? locations->data : NULL;
  Described *described;
  gint64 deadline_us;

  if (discovery->found_source != NULL && discovery->device != NULL && discovery->device->is_gateway)
    return;

  address = url_ipv4_host (location);
  if (address == NULL)
    {
      g_autofree char *quoted = quote_value (location);

      g_debug ("ignoring a device described at %s: not an http URL on an IPv4 address", quoted);
      return;
    }

  if (self->igd_host != NULL && !g_str_equal (address, self->igd_host))
    {
      g_debug ("ignoring the device at %s: only %s is wanted", address, self->igd_host);
      return;
    }

  if (g_hash_table_contains (discovery->locations, location) ||
      g_hash_table_size (discovery->locations) >= MAX_DESCRIPTIONS)
    return;
  g_hash_table_add (discovery->locations, g_strdup (location));

  message = soup_message_new (SOUP_METHOD_GET, location);
  if (message == NULL)
    return;

  {
    g_autofree char *usn_clean = sesame_upnp_sanitize_text (usn);

    g_debug ("%s answered at %s after %" G_GINT64_FORMAT " ms", usn_clean, address,
             (g_get_monotonic_time () - discovery->started_us) / 1000);
  }

  discovery->pending++;
  g_free (discovery->pending_host);
  discovery->pending_host = g_strdup (address);

  described = g_new0 (Described, 1);
  described->task = g_object_ref (task);
  described->location = g_strdup (location);

  deadline_us = discovery->started_us + discovery->timeout_ms * G_GINT64_CONSTANT (1000);
  fetch_async (self, message,
               g_strdup_printf (_("The router's description (from %s) is larger than %u KiB"),
                                address, SESAME_UPNP_MAX_BODY / 1024),
               deadline_us, discovery->timeout_ms, discovery->fetches,
               description_fetched_cb, described);
}

static GSSDPClient *
create_ssdp_client (SesameUpnpClient  *self,
                    GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  GSSDPClient *client;

  if (self->local_address != NULL)
    client = g_initable_new (GSSDP_TYPE_CLIENT, NULL, &local_error,
                             "interface", self->interface,
                             "address", self->local_address,
                             "uda-version", GSSDP_UDA_VERSION_1_0,
                             NULL);
  else
    client = g_initable_new (GSSDP_TYPE_CLIENT, NULL, &local_error,
                             "interface", self->interface,
                             "address-family", G_SOCKET_FAMILY_IPV4,
                             "uda-version", GSSDP_UDA_VERSION_1_0,
                             NULL);

  if (client == NULL)
    {
      g_set_error (error, SESAME_UPNP_CLIENT_ERROR, SESAME_UPNP_CLIENT_ERROR_NETWORK,
                   /* Translators: %s is a technical reason */
                   _("UPnP cannot search this network: %s"), local_error->message);
      return NULL;
    }

  g_debug ("searching on %s (%s)", gssdp_client_get_interface (client),
           gssdp_client_get_host_ip (client));

  return client;
}

/**
 * sesame_upnp_client_discover_async:
 * @self: a #SesameUpnpClient
 * @timeout_ms: the deadline, 0 for %SESAME_UPNP_DEFAULT_TIMEOUT_MS
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when a router was found, at the deadline, or on cancellation
 * @user_data: data for @callback
 *
 * Searches for an InternetGatewayDevice (version 1 or 2) that describes a usable
 * connection service: WANIPConnection:2, else WANIPConnection:1, else
 * WANPPPConnection:1. Routers are asked to answer within a second (MX 1). With a
 * gateway set, its IGD ends the search as soon as it is found; see
 * sesame_upnp_client_set_gateway(). Descriptions larger than
 * %SESAME_UPNP_MAX_BODY are refused (%SESAME_UPNP_CLIENT_ERROR_TOO_LARGE).
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
  discovery->browsers = g_ptr_array_new_with_free_func (g_object_unref);
  discovery->locations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  discovery->fetches = g_cancellable_new ();
  discovery->timeout_ms = effective_timeout (timeout_ms);
  discovery->started_us = g_get_monotonic_time ();
  g_task_set_task_data (task, discovery, discovery_free);

  g_clear_pointer (&self->device, sesame_upnp_device_free);

  if (self->ssdp == NULL)
    self->ssdp = create_ssdp_client (self, &error);
  if (self->ssdp == NULL)
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
      GSSDPResourceBrowser *browser = gssdp_resource_browser_new (self->ssdp, targets[i]);

      g_ptr_array_add (discovery->browsers, browser);
      gssdp_resource_browser_set_mx (browser, SSDP_MX);
      g_signal_connect (browser, "resource-available",
                        G_CALLBACK (on_browser_resource_available), task);
      gssdp_resource_browser_set_active (browser, TRUE);
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

/* One action: a SOAP request to the control URL, its answer read by
 * sesame_upnp_parse_soap_response() */

typedef struct
{
  char  *action;
  GStrv  out_names;
} Soap;

static void
soap_free (gpointer data)
{
  Soap *soap = data;

  g_free (soap->action);
  g_strfreev (soap->out_names);
  g_free (soap);
}

static void
soap_fetched_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SesameUpnpClient *self = SESAME_UPNP_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  Soap *soap = g_task_get_task_data (task);
  guint status = 0;
  GPtrArray *values;

  body = fetch_finish (self, result, &status, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  values = sesame_upnp_parse_soap_response (status, g_bytes_get_data (body, NULL),
                                            g_bytes_get_size (body), soap->action,
                                            (const char * const *) soap->out_names, &error);
  if (values == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, values, (GDestroyNotify) g_ptr_array_unref);
}

/* @in_args: name, value, name, value, …, NULL */
static void
soap_call_async (SesameUpnpClient    *self,
                 const char          *action,
                 const char * const  *in_args,
                 const char * const  *out_names,
                 gint64               deadline_us,
                 guint                timeout_ms,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) envelope = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *soap_action = NULL;
  Soap *soap;

  g_assert (SESAME_IS_UPNP_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, soap_call_async);

  soap = g_new0 (Soap, 1);
  soap->action = g_strdup (action);
  soap->out_names = g_strdupv ((char **) out_names);
  g_task_set_task_data (task, soap, soap_free);

  if (self->device == NULL)
    {
      g_task_return_new_error (task, SESAME_UPNP_CLIENT_ERROR,
                               SESAME_UPNP_CLIENT_ERROR_NOT_DISCOVERED,
                               _("No UPnP router has been found yet"));
      return;
    }

  envelope = g_string_new ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
                           "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
                           "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">"
                           "<s:Body>");
  g_string_append_printf (envelope, "<u:%s xmlns:u=\"%s\">", action, self->device->service_type);
  for (guint i = 0; in_args != NULL && in_args[i] != NULL; i += 2)
    {
      g_autofree char *value = g_markup_escape_text (in_args[i + 1], -1);

      g_string_append_printf (envelope, "<%s>%s</%s>", in_args[i], value, in_args[i]);
    }
  g_string_append_printf (envelope, "</u:%s></s:Body></s:Envelope>\r\n", action);

  message = soup_message_new (SOUP_METHOD_POST, self->device->control_url);
  g_assert (message != NULL);   /* checked when the description was read */
  soap_action = g_strdup_printf ("\"%s#%s\"", self->device->service_type, action);
  soup_message_headers_replace (soup_message_get_request_headers (message), "SOAPAction",
                                soap_action);
  body = g_bytes_new (envelope->str, envelope->len);
  soup_message_set_request_body_from_bytes (message, "text/xml; charset=\"utf-8\"", body);

  fetch_async (self, message,
               g_strdup_printf (_("The router's answer to %s is larger than %u KiB"),
                                action, SESAME_UPNP_MAX_BODY / 1024),
               deadline_us, timeout_ms, cancellable, soap_fetched_cb, g_steal_pointer (&task));
}

/* Returns: (element-type utf8): see sesame_upnp_parse_soap_response() */
static GPtrArray *
soap_call_finish (SesameUpnpClient  *self,
                  GAsyncResult      *result,
                  GError           **error)
{
  g_assert (g_task_is_valid (result, self));
  g_assert (g_task_get_source_tag (G_TASK (result)) == soap_call_async);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gint64
deadline_in (guint timeout_ms)
{
  return g_get_monotonic_time () + timeout_ms * G_GINT64_CONSTANT (1000);
}

/* GetExternalIPAddress */

static void
get_external_address_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  SesameUpnpClient *self = SESAME_UPNP_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) values = NULL;
  char *address;

  values = soap_call_finish (self, result, &error);
  if (values == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  address = sesame_upnp_parse_external_address (g_ptr_array_index (values, 0), &error);
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
  static const char * const out_names[] = { "NewExternalIPAddress", NULL };
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SESAME_IS_UPNP_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_upnp_client_get_external_address_async);

  timeout_ms = effective_timeout (timeout_ms);
  soap_call_async (self, "GetExternalIPAddress", NULL, out_names, deadline_in (timeout_ms),
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
  GPtrArray         *mappings;     /* element-type SesameUpnpMapping */
  gint64             deadline_us;
  guint              timeout_ms;
  guint              index;
  guint              unreadable;   /* entries that could not be read */
  guint              unreadable_run;
  SesameUpnpListEnd  end;
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
listing_return (GTask             *task,
                SesameUpnpListEnd  end)
{
  Listing *listing = g_task_get_task_data (task);

  listing->end = end;
  g_debug ("listed %u mappings, %u unreadable (end %d)", listing->mappings->len,
           listing->unreadable, end);
  g_task_return_pointer (task, g_steal_pointer (&listing->mappings),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
list_entry_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SesameUpnpClient *self = SESAME_UPNP_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) entry_error = NULL;
  g_autoptr(GPtrArray) values = NULL;
  Listing *listing = g_task_get_task_data (task);
  SesameUpnpMapping *mapping;

  values = soap_call_finish (self, result, &error);

  if (values == NULL)
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
          listing_return (task, SESAME_UPNP_LIST_END_COMPLETE);
        }
      else if (listing->index >= SESAME_UPNP_MAX_MAPPINGS)
        {
          /* Asked only whether there are more, and the router did not say */
          g_debug ("no answer past the limit: %s", error->message);
          listing_return (task, SESAME_UPNP_LIST_END_STOPPED);
        }
      else if (error->domain == SESAME_UPNP_CLIENT_ERROR &&
               (error->code == SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE ||
                error->code == SESAME_UPNP_CLIENT_ERROR_TOO_LARGE) &&
               listing->unreadable_run < MAX_UNREADABLE_RUN)
        {
          /* An answer that could not be read at all: skip that entry */
          g_debug ("skipping entry %u: %s", listing->index, error->message);
          listing->unreadable++;
          listing->unreadable_run++;
          listing->index++;
          list_next (g_steal_pointer (&task));
        }
      else if (listing->index > 0)
        {
          /* The deadline, the network or a run of unreadable answers ended the
           * listing early */
          g_debug ("listing stopped at %u: %s", listing->index, error->message);
          listing_return (task, SESAME_UPNP_LIST_END_STOPPED);
        }
      else
        {
          g_task_return_error (task, g_steal_pointer (&error));
        }
      return;
    }

  if (listing->index >= SESAME_UPNP_MAX_MAPPINGS)
    {
      /* The router has another entry past the limit */
      listing_return (task, SESAME_UPNP_LIST_END_LIMIT);
      return;
    }

  {
    char **v = (char **) values->pdata;

    mapping = sesame_upnp_parse_mapping (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
                                         &entry_error);
  }
  if (mapping != NULL)
    {
      g_ptr_array_add (listing->mappings, mapping);
      listing->unreadable_run = 0;
    }
  else
    {
      g_debug ("skipping entry %u: %s", listing->index, entry_error->message);
      listing->unreadable++;
    }

  listing->index++;
  list_next (g_steal_pointer (&task));
}

/* Takes @task */
static void
list_next (GTask *task)
{
  static const char * const out_names[] = {
    "NewRemoteHost", "NewExternalPort", "NewProtocol", "NewInternalPort",
    "NewInternalClient", "NewEnabled", "NewPortMappingDescription", "NewLeaseDuration",
    NULL
  };
  SesameUpnpClient *self = g_task_get_source_object (task);
  Listing *listing = g_task_get_task_data (task);
  g_autofree char *index = g_strdup_printf ("%u", listing->index);
  const char * const in_args[] = { "NewPortMappingIndex", index, NULL };

  /* Past the limit, one more request only tells whether the router has more */
  soap_call_async (self, "GetGenericPortMappingEntry", in_args, out_names, listing->deadline_us,
                   listing->timeout_ms, g_task_get_cancellable (task), list_entry_cb, task);
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
  listing->deadline_us = deadline_in (listing->timeout_ms);
  listing->end = SESAME_UPNP_LIST_END_STOPPED;
  g_task_set_task_data (task, listing, listing_free);

  list_next (g_steal_pointer (&task));
}

/**
 * sesame_upnp_client_list_mappings_finish:
 * @self: a #SesameUpnpClient
 * @result: the #GAsyncResult
 * @end: (out) (optional): why the list ended: the router said it was the end, the
 *   limit of %SESAME_UPNP_MAX_MAPPINGS was reached and the router has more, or the
 *   deadline or the network stopped it
 * @n_unreadable: (out) (optional): entries the router listed that could not be read
 *   and are left out
 * @error: return location for a #GError
 *
 * An error only when not even the first entry could be read.
 *
 * Returns: (transfer container) (element-type SesameUpnpMapping) (nullable): the mappings
 */
GPtrArray *
sesame_upnp_client_list_mappings_finish (SesameUpnpClient   *self,
                                         GAsyncResult       *result,
                                         SesameUpnpListEnd  *end,
                                         guint              *n_unreadable,
                                         GError            **error)
{
  Listing *listing;

  g_return_val_if_fail (SESAME_IS_UPNP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sesame_upnp_client_list_mappings_async, NULL);

  listing = g_task_get_task_data (G_TASK (result));
  if (end != NULL)
    *end = listing->end;
  if (n_unreadable != NULL)
    *n_unreadable = listing->unreadable;

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
  g_autoptr(GPtrArray) values = NULL;

  values = soap_call_finish (self, result, &error);
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
 * Adds a mapping for any remote host (AddPortMapping) on the device the last
 * discovery found, which may not be the gateway (see #SesameUpnpDevice.is_gateway):
 * only with the person's consent, naming that host when it is not. A router that
 * only supports permanent leases answers
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
  g_autofree char *clean_description = NULL;
  g_autofree char *client = NULL;
  g_autofree char *external = NULL;
  g_autofree char *internal = NULL;
  g_autofree char *lease = NULL;

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
  external = g_strdup_printf ("%u", (guint) external_port);
  internal = g_strdup_printf ("%u", (guint) internal_port);
  lease = g_strdup_printf ("%u", (guint) lease_seconds);
  timeout_ms = effective_timeout (timeout_ms);

  {
    const char * const in_args[] = {
      "NewRemoteHost", "",
      "NewExternalPort", external,
      "NewProtocol", sesame_upnp_protocol_to_string (protocol),
      "NewInternalPort", internal,
      "NewInternalClient", client,
      "NewEnabled", "1",
      "NewPortMappingDescription", clean_description,
      "NewLeaseDuration", lease,
      NULL
    };
    const char * const out_names[] = { NULL };

    soap_call_async (self, "AddPortMapping", in_args, out_names, deadline_in (timeout_ms),
                     timeout_ms, cancellable, boolean_action_cb, g_steal_pointer (&task));
  }
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
  g_autofree char *external = NULL;

  g_return_if_fail (SESAME_IS_UPNP_CLIENT (self));
  g_return_if_fail (protocol <= SESAME_UPNP_PROTOCOL_UDP);
  g_return_if_fail (external_port > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_upnp_client_delete_mapping_async);

  external = g_strdup_printf ("%u", (guint) external_port);
  timeout_ms = effective_timeout (timeout_ms);

  {
    const char * const in_args[] = {
      "NewRemoteHost", "",
      "NewExternalPort", external,
      "NewProtocol", sesame_upnp_protocol_to_string (protocol),
      NULL
    };
    const char * const out_names[] = { NULL };

    soap_call_async (self, "DeletePortMapping", in_args, out_names, deadline_in (timeout_ms),
                     timeout_ms, cancellable, boolean_action_cb, g_steal_pointer (&task));
  }
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
