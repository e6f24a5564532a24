/* fake-routers.h: the in-process routers the tests ask
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libgssdp/gssdp.h>
#include <libgupnp/gupnp.h>

#include "sesame-pmp-codec.h"

#define WANIP_TYPE    "urn:schemas-upnp-org:service:WANIPConnection:1"

/* The network namespace, for SSDP on loopback */

extern char    *network_skip_reason;  /* nullable: why the network cases cannot run */
extern guint16  next_port;            /* for the fake routers' contexts */

void        enter_private_network (void);
gboolean    skip_without_network  (void);
void        spin                  (guint ms);

/* The fake IGD: an InternetGatewayDevice:1 whose first WANConnectionDevice has
 * only WANPPPConnection:1 and whose second has WANIPConnection:1, which a client
 * must prefer. Entries are kept as the eight texts GetGenericPortMappingEntry
 * answers, so that tests can put anything in them. */

enum {
  F_REMOTE_HOST, F_EXTERNAL_PORT, F_PROTOCOL, F_INTERNAL_PORT, F_INTERNAL_CLIENT,
  F_ENABLED, F_DESCRIPTION, F_LEASE, N_FIELDS
};

typedef struct
{
  char             *dir;
  GUPnPContext     *context;
  GUPnPRootDevice  *root;
  GPtrArray        *keep;               /* element-type GObject: devices and services */
  GPtrArray        *entries;            /* element-type GStrv, N_FIELDS texts */
  GPtrArray        *pending;            /* element-type GUPnPServiceAction: not answered */

  char             *external_address;
  gboolean          hang;               /* answer no action at all */
  int               refuse_code;        /* answer every mapping change with this, 0 = no */
  gboolean          permanent_only;     /* 725 for a finite lease */
  guint             n_actions;
} FakeIgd;

char       *description_xml  (const char *friendly_name);
GStrv       find_entry       (FakeIgd    *fake,
                              const char *protocol,
                              const char *external_port,
                              guint      *index);
void        fake_add_entry   (FakeIgd    *fake,
                              const char *remote_host,
                              const char *external_port,
                              const char *protocol,
                              const char *internal_port,
                              const char *internal_client,
                              const char *enabled,
                              const char *description,
                              const char *lease);
FakeIgd    *fake_igd_new     (const char *friendly_name);
void        fake_igd_free    (FakeIgd    *fake);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeIgd, fake_igd_free)

/* The fake NAT-PMP / PCP router, and the helpers that build replies the way a router does */

#define EPOCH 1234

extern const guint8 public_address[4];

void        put_u16              (guint8       *p,
                                  guint16       value);
void        put_u32              (guint8       *p,
                                  guint32       value);
guint16     get_u16              (const guint8 *p);
guint32     get_u32              (const guint8 *p);
GBytes     *pcp_reply_for        (const guint8 *request,
                                  gsize         length,
                                  guint8        result,
                                  guint16       external_port,
                                  const guint8 *external_ipv4);
GBytes     *natpmp_address_reply (guint16       result,
                                  const guint8 *external_ipv4);
GBytes     *natpmp_map_reply     (const guint8 *request,
                                  guint16       result,
                                  guint16       external_port);

typedef enum
{
  FAKE_SILENT,
  FAKE_PCP,           /* answers PCP and NAT-PMP, as miniupnpd does */
  FAKE_NATPMP_ONLY,   /* answers PCP in NAT-PMP: 8 bytes, result 1 (RFC 6886, 3.5) */
  FAKE_PCP_V1,        /* answers PCP version 2 with a version 1 UNSUPP_VERSION */
  FAKE_PCP_SILENT,    /* drops PCP, answers NAT-PMP */
} FakeKind;

typedef struct
{
  FakeKind   kind;
  GSocket   *socket;
  GSocket   *wrong_port;
  GSocket   *wrong_address;      /* nullable: 127.0.0.2 could not be bound */
  GSource   *source;
  guint16    port;

  /* behaviour */
  guint      drop_first;         /* this many datagrams go unanswered */
  gboolean   wrong_source_first; /* tampered replies from another port and address come first */
  gboolean   wrong_source_only;
  gboolean   bad_replies_first;  /* wrong nonce, garbage, oversized, reflected request come first */
  guint8     pcp_result;
  guint16    natpmp_result;
  guint16    port_offset;        /* assigned external port = suggested + this */
  guint32    granted_lifetime;   /* not 0: the lease granted, whatever was asked for */
  gboolean   ignore_deletes;

  /* what the router saw */
  guint      n_received;
  guint      n_pcp;
  guint      n_pcp_delete;
  guint      n_natpmp;
  guint      n_natpmp_delete;
  guint8     created_nonce[SESAME_PCP_NONCE_SIZE];
  gboolean   delete_nonce_matched;
  guint16    last_natpmp_suggested;
} FakeRouter;

GSocket    *bind_udp         (const char  *address,
                              guint16      port,
                              GError     **error);
guint16     local_port       (GSocket     *socket);
FakeRouter *fake_router_new  (void);
void        fake_router_free (FakeRouter  *fake);
