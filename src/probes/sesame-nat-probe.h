/* sesame-nat-probe.h: NAT mapping and filtering behaviour with STUN (RFC 5780), fast
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sesame-nat-classify.h"
#include "sesame-rtt.h"

G_BEGIN_DECLS

/* What one STUN server saw of this computer */
typedef struct
{
  char *server;            /* "198.51.100.1:3478" */
  char *mapped_address;    /* nullable: "203.0.113.2:40123" */
  char *error;             /* nullable: why there is none */
} SesameStunSighting;

typedef struct
{
  SesameNatVerdict  verdict;
  SesameTristate    hairpinning;
  char             *external_address;  /* nullable: IP of the first server's mapped address */
  GPtrArray        *sightings;         /* element-type SesameStunSighting, one per server */
  GPtrArray        *contacted;         /* element-type utf8, NULL-terminated: every destination
                                        * beyond the servers given, "198.51.100.2:3479 (STUN OTHER-ADDRESS)" */
  gint64            elapsed_ms;
} SesameNatResult;

void             sesame_nat_probe_async   (GPtrArray            *servers,
                                           guint                 timeout_ms,
                                           SesameRtt            *rtt,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
SesameNatResult *sesame_nat_probe_finish  (GAsyncResult         *result,
                                           GError              **error);
void             sesame_nat_result_free   (SesameNatResult      *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesameNatResult, sesame_nat_result_free)

G_END_DECLS
