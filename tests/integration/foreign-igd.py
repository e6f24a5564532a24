#!/usr/bin/env python3
"""A UPnP IGD on a LAN host that is not the gateway, for netlab --foreign-igd.

It answers every SSDP search for an InternetGatewayDevice:1 (or ssdp:all,
upnp:rootdevice) at once, serves a description whose control URL is on its own
address, claims an external address of its choosing (by default one from the
carrier-grade NAT range) and accepts AddPortMapping, DeletePortMapping and the
listing actions as a router would. Every SOAP request it gets is recorded, one
JSON object a line ({"action": ..., "args": {...}, "from": ...}), in --log, so
that a test can tell whether Sesame changed anything on it.

Standard library only. Runs until killed.
"""
import argparse
import json
import socket
import struct
import sys
import threading
import uuid
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SSDP_GROUP, SSDP_PORT = "239.255.255.250", 1900
IGD1 = "urn:schemas-upnp-org:device:InternetGatewayDevice:1"
WANIP1 = "urn:schemas-upnp-org:service:WANIPConnection:1"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


class Igd:
    def __init__(self, address, port, external, log_path):
        self.address, self.port, self.external = address, port, external
        self.udn = "uuid:%s" % uuid.uuid4()
        self.mappings = {}          # (protocol, external port) -> dict of the AddPortMapping arguments
        self.lock = threading.Lock()
        self.log = open(log_path, "a", buffering=1)

    @property
    def location(self):
        return "http://%s:%d/rootDesc.xml" % (self.address, self.port)

    def record(self, entry):
        with self.lock:
            self.log.write(json.dumps(entry) + "\n")
            self.log.flush()

    def description(self):
        return ("<?xml version=\"1.0\"?>\n"
                "<root xmlns=\"urn:schemas-upnp-org:device-1-0\">\n"
                "  <specVersion><major>1</major><minor>0</minor></specVersion>\n"
                "  <device>\n"
                "    <deviceType>%s</deviceType>\n"
                "    <friendlyName>Foreign IGD on %s</friendlyName>\n"
                "    <manufacturer>Foreign Works</manufacturer>\n"
                "    <modelName>foreign IGD</modelName>\n"
                "    <UDN>%s</UDN>\n"
                "    <deviceList><device>\n"
                "      <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>\n"
                "      <UDN>%s-wan</UDN>\n"
                "      <deviceList><device>\n"
                "        <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>\n"
                "        <UDN>%s-conn</UDN>\n"
                "        <serviceList><service>\n"
                "          <serviceType>%s</serviceType>\n"
                "          <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>\n"
                "          <controlURL>/ctl/IPConn</controlURL>\n"
                "          <eventSubURL>/evt/IPConn</eventSubURL>\n"
                "          <SCPDURL>/WANIPCn.xml</SCPDURL>\n"
                "        </service></serviceList>\n"
                "      </device></deviceList>\n"
                "    </device></deviceList>\n"
                "  </device>\n"
                "</root>\n") % (IGD1, self.address, self.udn, self.udn, self.udn, WANIP1)

    def soap(self, action, args):
        """-> (HTTP status, response arguments or None, UPnP error code or None)"""
        if action == "GetExternalIPAddress":
            return 200, {"NewExternalIPAddress": self.external}, None
        if action == "AddPortMapping":
            key = (args.get("NewProtocol", "").upper(), args.get("NewExternalPort", ""))
            with self.lock:
                self.mappings[key] = args
            return 200, {}, None
        if action == "DeletePortMapping":
            key = (args.get("NewProtocol", "").upper(), args.get("NewExternalPort", ""))
            with self.lock:
                found = self.mappings.pop(key, None)
            return (200, {}, None) if found else (500, None, 714)
        if action in ("GetGenericPortMappingEntry", "GetSpecificPortMappingEntry"):
            with self.lock:
                if action == "GetSpecificPortMappingEntry":
                    m = self.mappings.get((args.get("NewProtocol", "").upper(), args.get("NewExternalPort", "")))
                else:
                    try:
                        m = list(self.mappings.values())[int(args.get("NewPortMappingIndex", "-1"))]
                    except (ValueError, IndexError):
                        m = None
            if m is None:
                return 500, None, 714 if action == "GetSpecificPortMappingEntry" else 713
            out = {"NewRemoteHost": "", "NewInternalPort": m.get("NewInternalPort", ""),
                   "NewInternalClient": m.get("NewInternalClient", ""), "NewEnabled": "1",
                   "NewPortMappingDescription": m.get("NewPortMappingDescription", ""),
                   "NewLeaseDuration": m.get("NewLeaseDuration", "0")}
            if action == "GetGenericPortMappingEntry":
                out = dict({"NewExternalPort": m.get("NewExternalPort", ""),
                            "NewProtocol": m.get("NewProtocol", "")}, **out)
            return 200, out, None
        return 500, None, 401


def soap_body(action, args):
    inner = "".join("<%s>%s</%s>" % (k, v, k) for k, v in args.items())
    return ("<?xml version=\"1.0\"?>\n<s:Envelope xmlns:s=\"%s\" "
            "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>"
            "<u:%sResponse xmlns:u=\"%s\">%s</u:%sResponse></s:Body></s:Envelope>\n"
            % (SOAP_ENV, action, WANIP1, inner, action))


def soap_fault(code):
    return ("<?xml version=\"1.0\"?>\n<s:Envelope xmlns:s=\"%s\" "
            "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><s:Fault>"
            "<faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
            "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>%d</errorCode>"
            "<errorDescription>refused</errorDescription></UPnPError></detail></s:Fault>"
            "</s:Body></s:Envelope>\n" % (SOAP_ENV, code))


def make_handler(igd):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            sys.stderr.write("foreign-igd: %s %s\n" % (self.client_address[0], fmt % a))

        def reply(self, status, body, ctype="text/xml; charset=\"utf-8\""):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True

        def do_GET(self):
            igd.record({"get": self.path, "from": self.client_address[0]})
            if self.path == "/rootDesc.xml":
                self.reply(200, igd.description())
            else:
                self.reply(404, "")

        def do_POST(self):
            length = min(int(self.headers.get("Content-Length") or 0), 65536)
            body = self.rfile.read(length)
            action = (self.headers.get("SOAPAction") or "").strip().strip('"').rpartition("#")[2]
            args = {}
            try:
                root = ET.fromstring(body)
                for el in root.iter():
                    if el.tag.endswith(action) and len(el):
                        args = {c.tag.rpartition("}")[2]: (c.text or "") for c in el}
                        break
            except ET.ParseError:
                pass
            igd.record({"action": action, "args": args, "from": self.client_address[0]})
            status, out, fault = igd.soap(action, args)
            self.reply(status, soap_body(action, out) if fault is None else soap_fault(fault))

    return Handler


def ssdp_loop(igd, ifaddr):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", SSDP_PORT))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                 struct.pack("4s4s", socket.inet_aton(SSDP_GROUP), socket.inet_aton(ifaddr)))
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    out.bind((ifaddr, 0))
    while True:
        data, peer = s.recvfrom(4096)
        text = data.decode("latin-1", "replace")
        if not text.startswith("M-SEARCH"):
            continue
        headers = {}
        for line in text.split("\r\n")[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().upper()] = v.strip()
        st = headers.get("ST", "")
        if st not in ("ssdp:all", "upnp:rootdevice", IGD1):
            continue
        answer_st = IGD1 if st == "ssdp:all" else st
        usn = igd.udn if st == "upnp:rootdevice" else "%s::%s" % (igd.udn, answer_st)
        reply = ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nEXT:\r\nLOCATION: %s\r\n"
                 "SERVER: Linux/6 UPnP/1.0 foreign-igd/1\r\nST: %s\r\nUSN: %s\r\n\r\n"
                 % (igd.location, answer_st, usn))
        igd.record({"search": st, "from": peer[0]})
        out.sendto(reply.encode(), peer)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--address", required=True, help="this host's LAN address (HTTP and SSDP)")
    ap.add_argument("--port", type=int, default=5000)
    ap.add_argument("--external", default="100.64.77.7", help="the external address it claims")
    ap.add_argument("--log", required=True, help="file the requests are recorded in")
    a = ap.parse_args()
    igd = Igd(a.address, a.port, a.external, a.log)
    server = ThreadingHTTPServer((a.address, a.port), make_handler(igd))
    server.daemon_threads = True
    threading.Thread(target=ssdp_loop, args=(igd, a.address), daemon=True).start()
    print("foreign-igd: %s, external address %s" % (igd.location, a.external), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
