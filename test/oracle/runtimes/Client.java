// The ordinary Java client: new Socket(name, port), which connects to InetAddress.getByName(name),
// the first address of InetAddress's order. Prints that order, then the peer; "-sleep" only waits.
// With a count after the port it connects that many times, prints "held" and keeps them open.
import java.net.InetAddress;
import java.net.Socket;

public class Client {
  public static void main(String[] args) throws Exception {
    if (args[0].equals("-sleep")) { Thread.sleep(60_000); return; }
    StringBuilder order = new StringBuilder("lookup");
    for (InetAddress a : InetAddress.getAllByName(args[0])) order.append(' ').append(a.getHostAddress());
    System.out.println(order);
    int count = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    java.util.List<Socket> held = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      Socket s = new Socket(args[0], Integer.parseInt(args[1]));
      System.out.println("connected " + s.getInetAddress().getHostAddress());
      held.add(s);
    }
    if (args.length > 2) {
      System.out.println("held");
      Thread.sleep(Long.MAX_VALUE);
    }
    for (Socket s : held) s.close();
  }
}
