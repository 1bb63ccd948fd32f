export async function run(args: string[]): Promise<number> {
  if (args.includes('--help')) {
    console.log('usage: sealscan demo\n\nReads every virtual tag on a simulated MFRC522 and prints what the driver sees.');
    return 0;
  }
  console.log('sealscan: the simulated reader is being built; this demo will read virtual tags once it lands.');
  return 0;
}
