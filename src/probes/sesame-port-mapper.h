/* sesame-port-mapper.h: the plan's forwarding rows added to the router, and removed again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sesame-checklist.h"
#include "sesame-probe-report.h"

G_BEGIN_DECLS

/* Ranges wider than this are left to the person: one request per port */
#define SESAME_PORT_MAPPER_MAX_PORTS_PER_ROW  32
/* How long a mapping Sesame adds lasts: a week, the longest UPnP IGD 2 allows */
#define SESAME_PORT_MAPPER_LEASE              604800

/* How the router takes mapping requests, as the checks found it */
typedef enum
{
  SESAME_PORT_MAPPER_NONE,
  SESAME_PORT_MAPPER_UPNP,
  SESAME_PORT_MAPPER_PMP,     /* PCP or NAT-PMP, whichever can map */
} SesamePortMapperKind;

typedef enum
{
  SESAME_PORT_MAPPING_WAITING,   /* not asked for yet, or the work stopped first */
  SESAME_PORT_MAPPING_ADDED,     /* on the router; reason says why a removal failed */
  SESAME_PORT_MAPPING_REFUSED,   /* the router refused it: reason says why */
  SESAME_PORT_MAPPING_REMOVED,
} SesamePortMappingState;

/* One port mapping: one port of a forwarding row */
typedef struct
{
  SesameProtocol          protocol;
  guint16                 external_port;
  guint16                 internal_port;
  char                   *internal_address;
  char                   *description;     /* what the router lists it as */

  /* What the router made of it */
  SesamePortMappingState  state;
  guint16                 granted_port;    /* once added: the external port the router gave */
  guint32                 lifetime;        /* once added: the lease granted, in seconds */
  const char             *via;             /* once added: "upnp", "natpmp" or "pcp" */
  char                   *reason;          /* nullable: the router's refusal, in its words */

  /*< private >*/
  gatomicrefcount         ref_count;
} SesamePortMapping;

#define SESAME_TYPE_PORT_MAPPING (sesame_port_mapping_get_type ())

GType                 sesame_port_mapping_get_type   (void) G_GNUC_CONST;
SesamePortMapping    *sesame_port_mapping_new        (SesameProtocol            protocol,
                                                      guint16                   external_port,
                                                      guint16                   internal_port,
                                                      const char               *internal_address,
                                                      const char               *description);
SesamePortMapping    *sesame_port_mapping_ref        (SesamePortMapping        *mapping);
void                  sesame_port_mapping_unref      (SesamePortMapping        *mapping);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesamePortMapping, sesame_port_mapping_unref)

SesamePortMapperKind  sesame_port_mapper_kind_for_report     (const SesameProbeReport *report);
const char           *sesame_port_mapper_protocol_name       (const SesameProbeReport *report);
GPtrArray            *sesame_port_mapper_plan                (GPtrArray               *forwards,
                                                              const SesameProbeReport *report,
                                                              guint                   *n_skipped);

#define SESAME_TYPE_PORT_MAPPER (sesame_port_mapper_get_type ())

G_DECLARE_FINAL_TYPE (SesamePortMapper, sesame_port_mapper, SESAME, PORT_MAPPER, GObject)

SesamePortMapper     *sesame_port_mapper_new         (const SesameProbeReport  *report,
                                                      const char               *interface);
SesamePortMapperKind  sesame_port_mapper_get_kind    (SesamePortMapper         *self);
void                  sesame_port_mapper_set_pmp_port (SesamePortMapper        *self,
                                                       guint16                  port);

void                  sesame_port_mapper_add_async     (SesamePortMapper    *self,
                                                        GPtrArray           *mappings,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean              sesame_port_mapper_add_finish    (SesamePortMapper    *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void                  sesame_port_mapper_remove_async  (SesamePortMapper    *self,
                                                        GPtrArray           *mappings,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean              sesame_port_mapper_remove_finish (SesamePortMapper    *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
