/* sesame-pmp-client.h: the router's external address and port mappings, over PCP or NAT-PMP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sesame-pmp-codec.h"

G_BEGIN_DECLS

#define SESAME_PMP_DEFAULT_TIMEOUT_MS 2000

typedef enum
{
  SESAME_PMP_PROTOCOL_PCP,
  SESAME_PMP_PROTOCOL_NATPMP,
} SesamePmpProtocol;

/* Which protocols a client may use: both by default, PCP first */
typedef enum /*< flags >*/
{
  SESAME_PMP_PROTOCOLS_PCP    = 1 << 0,
  SESAME_PMP_PROTOCOLS_NATPMP = 1 << 1,
  SESAME_PMP_PROTOCOLS_BOTH   = SESAME_PMP_PROTOCOLS_PCP | SESAME_PMP_PROTOCOLS_NATPMP,
} SesamePmpProtocols;

/* What the router granted */
typedef struct
{
  SesamePmpProtocol   protocol;          /* which protocol answered */
  SesamePmpTransport  transport;
  guint16             internal_port;
  guint16             external_port;     /* 0 after a removal */
  guint32             lifetime;          /* seconds granted; 0 after a removal */
  guint32             epoch;             /* seconds since the router's mapping table started */
  char               *external_address;  /* nullable: PCP tells it, NAT-PMP does not */
} SesamePmpMapping;

#define SESAME_TYPE_PMP_MAPPING (sesame_pmp_mapping_get_type ())

GType               sesame_pmp_mapping_get_type      (void) G_GNUC_CONST;
SesamePmpMapping   *sesame_pmp_mapping_copy          (const SesamePmpMapping *mapping);
void                sesame_pmp_mapping_free          (SesamePmpMapping       *mapping);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesamePmpMapping, sesame_pmp_mapping_free)

const char         *sesame_pmp_protocol_to_string    (SesamePmpProtocol       protocol);
gboolean            sesame_pmp_protocol_from_string  (const char             *text,
                                                      SesamePmpProtocol      *protocol);

#define SESAME_TYPE_PMP_CLIENT (sesame_pmp_client_get_type ())

G_DECLARE_FINAL_TYPE (SesamePmpClient, sesame_pmp_client, SESAME, PMP_CLIENT, GObject)

SesamePmpClient    *sesame_pmp_client_new            (GInetAddress           *gateway,
                                                      GInetAddress           *client_address);
GInetAddress       *sesame_pmp_client_get_gateway    (SesamePmpClient        *self);
GInetAddress       *sesame_pmp_client_get_client_address (SesamePmpClient    *self);
guint16             sesame_pmp_client_get_port       (SesamePmpClient        *self);
void                sesame_pmp_client_set_port       (SesamePmpClient        *self,
                                                      guint16                 port);
void                sesame_pmp_client_set_protocols  (SesamePmpClient        *self,
                                                      SesamePmpProtocols      protocols);

void                sesame_pmp_client_get_external_address_async  (SesamePmpClient     *self,
                                                                   guint                timeout_ms,
                                                                   GCancellable        *cancellable,
                                                                   GAsyncReadyCallback  callback,
                                                                   gpointer             user_data);
char               *sesame_pmp_client_get_external_address_finish (SesamePmpClient     *self,
                                                                   GAsyncResult        *result,
                                                                   SesamePmpProtocol   *protocol,
                                                                   guint32             *epoch,
                                                                   GError             **error);

void                sesame_pmp_client_add_mapping_async     (SesamePmpClient     *self,
                                                             SesamePmpTransport   transport,
                                                             guint16              internal_port,
                                                             guint16              suggested_external_port,
                                                             guint32              lifetime,
                                                             guint                timeout_ms,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
SesamePmpMapping   *sesame_pmp_client_add_mapping_finish    (SesamePmpClient     *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

void                sesame_pmp_client_remove_mapping_async  (SesamePmpClient     *self,
                                                             SesamePmpTransport   transport,
                                                             guint16              internal_port,
                                                             guint                timeout_ms,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean            sesame_pmp_client_remove_mapping_finish (SesamePmpClient     *self,
                                                             GAsyncResult        *result,
                                                             SesamePmpProtocol   *protocol,
                                                             GError             **error);

G_END_DECLS
