// Liveness for load balancers: the web process is up and can reach its database.
import prisma from "../db.server";

export const loader = async () => {
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return Response.json({ ok: false, error: "database unreachable" }, { status: 503 });
  }
};
