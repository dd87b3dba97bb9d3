-- CreateTable
CREATE TABLE "TenantCreation" (
    "importJobId" TEXT NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "upnKey" TEXT NOT NULL,
    "askedAt" DATETIME NOT NULL,

    PRIMARY KEY ("importJobId", "rowNumber")
);

