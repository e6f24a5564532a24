/* sesame-upnp-client.h: the home router's UPnP IGD, asked for its external address and
 * port mappings, and told to add or remove a mapping only when the person agreed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SESAME_UPNP_DEFAULT_TIMEOUT_MS  3000
#define SESAME_UPNP_MAX_MAPPINGS        256
#define SESAME_UPNP_MAX_TEXT            256   /* characters kept of a text from the router */
#define SESAME_UPNP_MAX_BODY            (256 * 1024)  /* bytes read of a description or an answer */

#define SESAME_UPNP_CLIENT_ERROR (sesame_upnp_client_error_quark ())

/* Errors of the client itself; the router's own refusals are SESAME_UPNP_ACTION_ERROR.
 * Deadlines end with G_IO_ERROR_TIMED_OUT and cancellation with G_IO_ERROR_CANCELLED. */
typedef enum
{
  SESAME_UPNP_CLIENT_ERROR_NOT_DISCOVERED,       /* no router yet: call discover first */
  SESAME_UPNP_CLIENT_ERROR_NO_SERVICE,           /* an IGD answered, no usable WAN*Connection */
  SESAME_UPNP_CLIENT_ERROR_NETWORK,              /* no socket, or HTTP/SOAP failed */
  SESAME_UPNP_CLIENT_ERROR_INVALID_RESPONSE,     /* the router answered something unusable */
  SESAME_UPNP_CLIENT_ERROR_NO_EXTERNAL_ADDRESS,  /* the router has no external address */
  SESAME_UPNP_CLIENT_ERROR_TOO_LARGE,            /* a description or answer over SESAME_UPNP_MAX_BODY */
} SesameUpnpClientError;

#define SESAME_UPNP_ACTION_ERROR (sesame_upnp_action_error_quark ())

/* The router refused an action: the code is the UPnP error code itself, and the
 * message names it with the router's own description. Codes not listed here are
 * passed through as they are. */
typedef enum
{
  SESAME_UPNP_ACTION_ERROR_INVALID_ACTION                     = 401,
  SESAME_UPNP_ACTION_ERROR_INVALID_ARGS                       = 402,
  SESAME_UPNP_ACTION_ERROR_ACTION_FAILED                      = 501,
  SESAME_UPNP_ACTION_ERROR_NOT_AUTHORIZED                     = 606,
  SESAME_UPNP_ACTION_ERROR_ARRAY_INDEX_INVALID                = 713,
  SESAME_UPNP_ACTION_ERROR_NO_SUCH_ENTRY                      = 714,
  SESAME_UPNP_ACTION_ERROR_WILDCARD_NOT_PERMITTED_IN_SRC_IP   = 715,
  SESAME_UPNP_ACTION_ERROR_WILDCARD_NOT_PERMITTED_IN_EXT_PORT = 716,
  SESAME_UPNP_ACTION_ERROR_CONFLICT_IN_MAPPING_ENTRY          = 718,
  SESAME_UPNP_ACTION_ERROR_SAME_PORT_VALUES_REQUIRED          = 724,
  SESAME_UPNP_ACTION_ERROR_ONLY_PERMANENT_LEASES_SUPPORTED    = 725,
  SESAME_UPNP_ACTION_ERROR_REMOTE_HOST_ONLY_WILDCARD          = 726,
  SESAME_UPNP_ACTION_ERROR_EXTERNAL_PORT_ONLY_WILDCARD        = 727,
  SESAME_UPNP_ACTION_ERROR_NO_PORT_MAPS_AVAILABLE             = 728,
  SESAME_UPNP_ACTION_ERROR_CONFLICT_WITH_OTHER_MECHANISMS     = 729,
  SESAME_UPNP_ACTION_ERROR_WILDCARD_NOT_PERMITTED_IN_INT_PORT = 732,
} SesameUpnpActionError;

typedef enum
{
  SESAME_UPNP_PROTOCOL_TCP, /*< nick=TCP >*/
  SESAME_UPNP_PROTOCOL_UDP, /*< nick=UDP >*/
} SesameUpnpProtocol;

/* Why a listing of the mappings ended */
typedef enum
{
  SESAME_UPNP_LIST_END_COMPLETE,   /* the router said there are no more */
  SESAME_UPNP_LIST_END_LIMIT,      /* SESAME_UPNP_MAX_MAPPINGS read, and the router has more */
  SESAME_UPNP_LIST_END_STOPPED,    /* the deadline or the network ended it early */
} SesameUpnpListEnd;

/* The router that answered. Every text is from the router, sanitised: valid UTF-8,
 * no control characters, at most SESAME_UPNP_MAX_TEXT characters. */
typedef struct
{
  char *friendly_name;       /* nullable */
  char *manufacturer;        /* nullable */
  char *model_name;          /* nullable */
  char *model_number;        /* nullable */
  char *model_description;   /* nullable */
  char *udn;                 /* "uuid:…" */
  char *presentation_url;    /* nullable: absolute http(s) URL */
  char *location;            /* the description document's URL */
  char *service_type;        /* the control service chosen, "urn:…:WANIPConnection:2" */
  char *address;             /* the router's IPv4 address, from the description URL */
  char *control_url;         /* on address, like the description */
  gboolean is_gateway;       /* address is the default gateway the client was given */
} SesameUpnpDevice;

/* One port mapping on the router */
typedef struct
{
  SesameUpnpProtocol  protocol;
  guint16             external_port;
  char               *internal_client;   /* IPv4 address */
  guint16             internal_port;
  char               *description;       /* sanitised, possibly empty */
  gboolean            enabled;
  guint32             lease_seconds;     /* 0: permanent */
  char               *remote_host;       /* nullable: any remote host */
} SesameUpnpMapping;

#define SESAME_TYPE_UPNP_DEVICE  (sesame_upnp_device_get_type ())
#define SESAME_TYPE_UPNP_MAPPING (sesame_upnp_mapping_get_type ())
#define SESAME_TYPE_UPNP_CLIENT  (sesame_upnp_client_get_type ())

G_DECLARE_FINAL_TYPE (SesameUpnpClient, sesame_upnp_client, SESAME, UPNP_CLIENT, GObject)

GQuark              sesame_upnp_client_error_quark   (void);
GQuark              sesame_upnp_action_error_quark   (void);

GType               sesame_upnp_device_get_type      (void) G_GNUC_CONST;
SesameUpnpDevice   *sesame_upnp_device_copy          (const SesameUpnpDevice  *device);
void                sesame_upnp_device_free          (SesameUpnpDevice        *device);

GType               sesame_upnp_mapping_get_type     (void) G_GNUC_CONST;
SesameUpnpMapping  *sesame_upnp_mapping_copy         (const SesameUpnpMapping *mapping);
void                sesame_upnp_mapping_free         (SesameUpnpMapping       *mapping);

const char         *sesame_upnp_protocol_to_string   (SesameUpnpProtocol       protocol);
gboolean            sesame_upnp_protocol_from_string (const char              *text,
                                                      SesameUpnpProtocol      *protocol);

/* Pure parsers for what the router sends, one call per answer */
char               *sesame_upnp_sanitize_text        (const char              *text);
char               *sesame_upnp_parse_external_address
                                                     (const char              *text,
                                                      GError                 **error);
SesameUpnpMapping  *sesame_upnp_parse_mapping        (const char              *remote_host,
                                                      const char              *external_port,
                                                      const char              *protocol,
                                                      const char              *internal_port,
                                                      const char              *internal_client,
                                                      const char              *enabled,
                                                      const char              *description,
                                                      const char              *lease_seconds,
                                                      GError                 **error);
SesameUpnpDevice   *sesame_upnp_parse_description    (const char              *location,
                                                      const char              *data,
                                                      gsize                    length,
                                                      GError                 **error);
GPtrArray          *sesame_upnp_parse_soap_response  (guint                    status,
                                                      const char              *data,
                                                      gsize                    length,
                                                      const char              *action,
                                                      const char * const      *names,
                                                      GError                 **error);

SesameUpnpClient   *sesame_upnp_client_new           (const char              *interface,
                                                      GInetAddress            *local_address);
void                sesame_upnp_client_set_gateway   (SesameUpnpClient        *self,
                                                      const char              *gateway);
void                sesame_upnp_client_set_igd_host  (SesameUpnpClient        *self,
                                                      const char              *host);
const SesameUpnpDevice *
                    sesame_upnp_client_get_device    (SesameUpnpClient        *self);

void                sesame_upnp_client_discover_async
                                                     (SesameUpnpClient        *self,
                                                      guint                    timeout_ms,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
SesameUpnpDevice   *sesame_upnp_client_discover_finish
                                                     (SesameUpnpClient        *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

void                sesame_upnp_client_get_external_address_async
                                                     (SesameUpnpClient        *self,
                                                      guint                    timeout_ms,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
char               *sesame_upnp_client_get_external_address_finish
                                                     (SesameUpnpClient        *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

void                sesame_upnp_client_list_mappings_async
                                                     (SesameUpnpClient        *self,
                                                      guint                    timeout_ms,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
GPtrArray          *sesame_upnp_client_list_mappings_finish
                                                     (SesameUpnpClient        *self,
                                                      GAsyncResult            *result,
                                                      SesameUpnpListEnd       *end,
                                                      guint                   *n_unreadable,
                                                      GError                 **error);

void                sesame_upnp_client_add_mapping_async
                                                     (SesameUpnpClient        *self,
                                                      SesameUpnpProtocol       protocol,
                                                      guint16                  external_port,
                                                      const char              *internal_client,
                                                      guint16                  internal_port,
                                                      const char              *description,
                                                      guint32                  lease_seconds,
                                                      guint                    timeout_ms,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
gboolean            sesame_upnp_client_add_mapping_finish
                                                     (SesameUpnpClient        *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

void                sesame_upnp_client_delete_mapping_async
                                                     (SesameUpnpClient        *self,
                                                      SesameUpnpProtocol       protocol,
                                                      guint16                  external_port,
                                                      guint                    timeout_ms,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
gboolean            sesame_upnp_client_delete_mapping_finish
                                                     (SesameUpnpClient        *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesameUpnpDevice, sesame_upnp_device_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesameUpnpMapping, sesame_upnp_mapping_free)

G_END_DECLS
